import { readFileSync } from 'node:fs';
import { KafkaConfig, logLevel, SASLOptions } from 'kafkajs';

/** Cluster-level retries for connections and admin calls; producers and consumers may pass their own. */
export const KAFKA_RETRIES_DEFAULT = 8;
const TIMEOUT_MS_MAX = 10 * 60_000;
const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/**
 * Reads Kafka connection settings from the environment; defaults work against the local stack.
 *
 *   KAFKA_BROKERS                  comma-separated host:port list (127.0.0.1:9092)
 *   KAFKA_CONNECTION_TIMEOUT_MS    (10000)   KAFKA_REQUEST_TIMEOUT_MS (30000)
 *   KAFKA_LOG_LEVEL                nothing|error|warn|info|debug (warn)
 *   KAFKA_SASL_MECHANISM           plain|scram-sha-256|scram-sha-512, with KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD
 *   KAFKA_TLS=true                 TLS with the system's CAs; KAFKA_TLS_CA_FILE, KAFKA_TLS_CERT_FILE + KAFKA_TLS_KEY_FILE
 *                                  (mutual TLS), KAFKA_TLS_REJECT_UNAUTHORIZED=false (self-signed dev brokers only)
 *
 * A setting that is present but wrong throws at start, naming the variable: a typo must not silently fall back to a
 * default and send the platform's books to the wrong place or in the clear.
 */
export function kafkaConfigFromEnv(clientId: string, env: NodeJS.ProcessEnv = process.env): KafkaConfig {
  if (!clientId) throw new Error('kafkaConfigFromEnv: clientId is required');
  const config: KafkaConfig = {
    clientId,
    brokers: parseBrokers(env.KAFKA_BROKERS),
    connectionTimeout: parseTimeoutMs('KAFKA_CONNECTION_TIMEOUT_MS', env.KAFKA_CONNECTION_TIMEOUT_MS, 10_000),
    requestTimeout: parseTimeoutMs('KAFKA_REQUEST_TIMEOUT_MS', env.KAFKA_REQUEST_TIMEOUT_MS, 30_000),
    logLevel: parseLogLevel(env.KAFKA_LOG_LEVEL),
    retry: { initialRetryTime: 100, retries: KAFKA_RETRIES_DEFAULT },
  };
  const sasl = parseSasl(env);
  if (sasl) config.sasl = sasl;
  const ssl = parseTls(env);
  if (ssl !== undefined) config.ssl = ssl;
  return config;
}

function parseBrokers(value: string | undefined): string[] {
  const brokers = (value ?? '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is set but names no broker');
  for (const broker of brokers) {
    // host:port, where host may be a name, IPv4, or a bracketed IPv6 address.
    if (!/^(\[[0-9a-fA-F:.]+\]|[^\s:/]+):\d{1,5}$/.test(broker) || Number(broker.slice(broker.lastIndexOf(':') + 1)) > 65535) {
      throw new Error(`KAFKA_BROKERS entry '${broker}' is not host:port`);
    }
  }
  return brokers;
}

function parseTimeoutMs(name: string, value: string | undefined, fallbackMs: number): number {
  if (value === undefined || value.trim() === '') return fallbackMs;
  const timeoutMs = Number(value);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0 || timeoutMs > TIMEOUT_MS_MAX) {
    throw new Error(`${name} must be a whole number of milliseconds in 1..${TIMEOUT_MS_MAX}, got '${value}'`);
  }
  return timeoutMs;
}

function parseLogLevel(value: string | undefined): logLevel {
  switch ((value ?? 'warn').trim().toLowerCase()) {
    case 'nothing': return logLevel.NOTHING;
    case 'error': return logLevel.ERROR;
    case 'warn': case '': return logLevel.WARN;
    case 'info': return logLevel.INFO;
    case 'debug': return logLevel.DEBUG;
    default: throw new Error(`KAFKA_LOG_LEVEL must be nothing, error, warn, info or debug, got '${value}'`);
  }
}

function parseSasl(env: NodeJS.ProcessEnv): SASLOptions | undefined {
  const mechanism = env.KAFKA_SASL_MECHANISM?.trim();
  if (!mechanism) {
    if (env.KAFKA_SASL_USERNAME || env.KAFKA_SASL_PASSWORD) {
      throw new Error('KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD are set but KAFKA_SASL_MECHANISM is not');
    }
    return undefined;
  }
  const m = mechanism.toLowerCase() as SaslMechanism;
  if (!SASL_MECHANISMS.includes(m)) {
    throw new Error(`KAFKA_SASL_MECHANISM must be plain, scram-sha-256 or scram-sha-512, got ${mechanism}`);
  }
  const username = env.KAFKA_SASL_USERNAME ?? '';
  const password = env.KAFKA_SASL_PASSWORD ?? '';
  if (!username || !password) throw new Error(`KAFKA_SASL_MECHANISM=${m} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`);
  return { mechanism: m, username, password } as SASLOptions;
}

function parseTls(env: NodeJS.ProcessEnv): KafkaConfig['ssl'] | undefined {
  const enabled = parseBoolean('KAFKA_TLS', env.KAFKA_TLS);
  const caFile = env.KAFKA_TLS_CA_FILE || undefined;
  const certFile = env.KAFKA_TLS_CERT_FILE || undefined;
  const keyFile = env.KAFKA_TLS_KEY_FILE || undefined;
  const rejectUnauthorized = parseBoolean('KAFKA_TLS_REJECT_UNAUTHORIZED', env.KAFKA_TLS_REJECT_UNAUTHORIZED) ?? true;
  if (Boolean(certFile) !== Boolean(keyFile)) throw new Error('KAFKA_TLS_CERT_FILE and KAFKA_TLS_KEY_FILE go together');
  const files = Boolean(caFile || certFile);
  if (enabled === false) {
    if (files) throw new Error('KAFKA_TLS=false contradicts the KAFKA_TLS_*_FILE settings');
    return undefined;
  }
  if (!enabled && !files) return undefined;
  if (!files && rejectUnauthorized) return true;
  return {
    rejectUnauthorized,
    ca: caFile ? [readFileSync(caFile, 'utf8')] : undefined,
    cert: certFile ? readFileSync(certFile, 'utf8') : undefined,
    key: keyFile ? readFileSync(keyFile, 'utf8') : undefined,
  };
}

function parseBoolean(name: string, value: string | undefined): boolean | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new Error(`${name} must be true or false, got '${value}'`);
}
