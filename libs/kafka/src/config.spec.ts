import { logLevel } from 'kafkajs';
import { kafkaConfigFromEnv, KAFKA_RETRIES_DEFAULT } from './config';

describe('kafkaConfigFromEnv', () => {
  it('defaults to the local stack when nothing is set', () => {
    const config = kafkaConfigFromEnv('rating', {});
    expect(config).toEqual({
      clientId: 'rating',
      brokers: ['127.0.0.1:9092'],
      connectionTimeout: 10_000,
      requestTimeout: 30_000,
      logLevel: logLevel.WARN,
      retry: { initialRetryTime: 100, retries: KAFKA_RETRIES_DEFAULT },
    });
    expect(config.sasl).toBeUndefined();
    expect(config.ssl).toBeUndefined();
  });

  it('splits and trims a broker list and drops empty entries', () => {
    const config = kafkaConfigFromEnv('rating', { KAFKA_BROKERS: ' kafka-1:9092, kafka-2:9092,,[::1]:19092 ' });
    expect(config.brokers).toEqual(['kafka-1:9092', 'kafka-2:9092', '[::1]:19092']);
  });

  it.each([[','], ['kafka-1'], ['kafka-1:port'], ['kafka-1:70000'], ['PLAINTEXT://kafka-1:9092']])(
    'rejects KAFKA_BROKERS=%p',
    (brokers) => {
      expect(() => kafkaConfigFromEnv('rating', { KAFKA_BROKERS: brokers })).toThrow(/KAFKA_BROKERS/);
    },
  );

  it('reads timeouts in milliseconds and rejects ones that are not whole positive numbers', () => {
    const config = kafkaConfigFromEnv('rating', { KAFKA_CONNECTION_TIMEOUT_MS: '2500', KAFKA_REQUEST_TIMEOUT_MS: '60000' });
    expect([config.connectionTimeout, config.requestTimeout]).toEqual([2500, 60_000]);
    for (const bad of ['abc', '0', '-1', '1.5', '999999999']) {
      expect(() => kafkaConfigFromEnv('rating', { KAFKA_REQUEST_TIMEOUT_MS: bad })).toThrow(/KAFKA_REQUEST_TIMEOUT_MS/);
    }
  });

  it.each([
    ['nothing', logLevel.NOTHING],
    ['ERROR', logLevel.ERROR],
    ['warn', logLevel.WARN],
    ['Info', logLevel.INFO],
    ['debug', logLevel.DEBUG],
  ])('maps KAFKA_LOG_LEVEL=%s', (value, expected) => {
    expect(kafkaConfigFromEnv('rating', { KAFKA_LOG_LEVEL: value }).logLevel).toBe(expected);
  });

  it('rejects an unknown log level rather than guessing', () => {
    expect(() => kafkaConfigFromEnv('rating', { KAFKA_LOG_LEVEL: 'verbose' })).toThrow(/KAFKA_LOG_LEVEL/);
  });

  it('configures SASL with a case-insensitive mechanism', () => {
    const config = kafkaConfigFromEnv('payments', {
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: 'payments',
      KAFKA_SASL_PASSWORD: 's3cret',
    });
    expect(config.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'payments', password: 's3cret' });
  });

  it('rejects an unsupported SASL mechanism, missing credentials, and credentials without a mechanism', () => {
    expect(() =>
      kafkaConfigFromEnv('payments', { KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }),
    ).toThrow(/KAFKA_SASL_MECHANISM must be/);
    expect(() => kafkaConfigFromEnv('payments', { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' })).toThrow(
      /needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/,
    );
    expect(() => kafkaConfigFromEnv('payments', { KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })).toThrow(
      /KAFKA_SASL_MECHANISM is not/,
    );
  });

  it('turns TLS on with the system CAs for KAFKA_TLS=true, and off for false or unset', () => {
    expect(kafkaConfigFromEnv('invoicing', { KAFKA_TLS: 'true' }).ssl).toBe(true);
    expect(kafkaConfigFromEnv('invoicing', { KAFKA_TLS: 'false' }).ssl).toBeUndefined();
    expect(kafkaConfigFromEnv('invoicing', {}).ssl).toBeUndefined();
  });

  it('keeps certificate checks on unless told otherwise', () => {
    expect(kafkaConfigFromEnv('invoicing', { KAFKA_TLS: 'true', KAFKA_TLS_REJECT_UNAUTHORIZED: 'false' }).ssl).toEqual({
      rejectUnauthorized: false,
      ca: undefined,
      cert: undefined,
      key: undefined,
    });
  });

  it('rejects contradictory or half-given TLS settings before reading any file', () => {
    expect(() => kafkaConfigFromEnv('invoicing', { KAFKA_TLS: 'yes' })).toThrow(/KAFKA_TLS must be true or false/);
    expect(() => kafkaConfigFromEnv('invoicing', { KAFKA_TLS_CERT_FILE: '/nonexistent/client.pem' })).toThrow(/go together/);
    expect(() => kafkaConfigFromEnv('invoicing', { KAFKA_TLS: 'false', KAFKA_TLS_CA_FILE: '/nonexistent/ca.pem' })).toThrow(
      /contradicts/,
    );
  });

  it('combines SASL and TLS (SASL_SSL)', () => {
    const config = kafkaConfigFromEnv('revenue', {
      KAFKA_BROKERS: 'broker.example:9094',
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'revenue',
      KAFKA_SASL_PASSWORD: 'p',
      KAFKA_TLS: 'true',
    });
    expect(config.sasl?.mechanism).toBe('plain');
    expect(config.ssl).toBe(true);
  });

  it('requires a client id', () => {
    expect(() => kafkaConfigFromEnv('', {})).toThrow(/clientId/);
  });
});
