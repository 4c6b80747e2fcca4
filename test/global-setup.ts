// jest globalSetup of the `integration` project: make sure a real Kafka broker and a real PostgreSQL answer, every
// topic of schemas/topics.json exists, and process.env.KAFKA_BROKERS / DATABASE_URL name them for the test files
// (test workers start after this and inherit the environment).
//
// Where they come from, first match wins:
//   1. KAFKA_BROKERS and DATABASE_URL already set (CI's .ci/run, a developer's own stack): used as they are.
//   2. A Docker engine answers: Kafka and PostgreSQL in testcontainers (stopped by test/global-teardown.ts, and by
//      testcontainers' reaper if the run dies).
//   3. Otherwise: `bash deploy/local/stack.sh up` (Kafka from Maven Central jars, the machine's PostgreSQL); left running.
// Imports are relative: jest's moduleNameMapper does not apply to globalSetup.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka } from 'kafkajs';
import { ensureTopics } from '../libs/kafka/src/admin';
import { kafkaConfigFromEnv } from '../libs/kafka/src/config';

const REPO_ROOT = join(__dirname, '..');
const DOCKER_PROBE_TIMEOUT_MS = 5_000;
const KAFKA_IMAGE = 'confluentinc/cp-kafka:7.9.0';
const POSTGRES_IMAGE = 'postgres:15-alpine';

/** What global-teardown.ts needs to stop; set only when this setup started containers. */
export interface StartedTestcontainers {
  stop(): Promise<void>;
}
export const TESTCONTAINERS_KEY = '__billingTestcontainers';

export default async function globalSetup(): Promise<void> {
  if (!(process.env.KAFKA_BROKERS && process.env.DATABASE_URL)) {
    if (await dockerAnswers()) {
      await startTestcontainers();
    } else {
      startLocalStack();
    }
  }
  const created = await ensureTopics(new Kafka(kafkaConfigFromEnv('billing-test-setup')));
  console.log(
    `\nintegration: kafka ${process.env.KAFKA_BROKERS}, postgres ${redact(process.env.DATABASE_URL ?? '')}` +
      (created.length > 0 ? `, created ${created.length} topics` : ''),
  );
}

async function dockerAnswers(): Promise<boolean> {
  // Cheap guard first: no socket and no DOCKER_HOST means no engine; skip testcontainers' slower probing.
  if (!process.env.DOCKER_HOST && !existsSync('/var/run/docker.sock')) return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await withTimeout(getContainerRuntimeClient(), DOCKER_PROBE_TIMEOUT_MS);
    return true;
  } catch {
    return false;
  }
}

async function startTestcontainers(): Promise<void> {
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const [kafka, postgres] = await Promise.all([
    new KafkaContainer(KAFKA_IMAGE).withKraft().start(),
    new PostgreSqlContainer(POSTGRES_IMAGE).withDatabase('billing').withUsername('billing').withPassword('billing').start(),
  ]);
  process.env.KAFKA_BROKERS ??= `${kafka.getHost()}:${kafka.getMappedPort(9093)}`;
  process.env.DATABASE_URL ??= postgres.getConnectionUri();
  const started: StartedTestcontainers = {
    stop: async () => {
      await Promise.all([kafka.stop(), postgres.stop()]);
    },
  };
  (globalThis as Record<string, unknown>)[TESTCONTAINERS_KEY] = started;
}

function startLocalStack(): void {
  const stack = join(REPO_ROOT, 'deploy/local/stack.sh');
  // stack.sh honours a DATABASE_URL that is already set; its progress goes to stderr, shown as it happens.
  execFileSync('bash', [stack, 'up'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'], env: process.env });
  const exports = execFileSync('bash', [stack, 'env'], { cwd: REPO_ROOT, encoding: 'utf8', env: process.env });
  for (const line of exports.split('\n')) {
    const match = /^export ([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) process.env[match[1]] ??= match[2];
  }
  if (!process.env.KAFKA_BROKERS || !process.env.DATABASE_URL) {
    throw new Error(`deploy/local/stack.sh env did not name KAFKA_BROKERS and DATABASE_URL:\n${exports}`);
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
