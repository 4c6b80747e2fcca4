// jest globalTeardown: stops the testcontainers that test/global-setup.ts started, and nothing else (a broker from
// deploy/local/stack.sh or from KAFKA_BROKERS belongs to whoever started it).
// Wire it with `globalTeardown: '<rootDir>/test/global-teardown.ts'` in jest.config.js's integration project; until
// then testcontainers' reaper removes the containers when the jest process exits.
import type { StartedTestcontainers } from './global-setup';

const TESTCONTAINERS_KEY = '__billingTestcontainers';

export default async function globalTeardown(): Promise<void> {
  const started = (globalThis as Record<string, unknown>)[TESTCONTAINERS_KEY] as StartedTestcontainers | undefined;
  if (!started) return;
  await started.stop();
  delete (globalThis as Record<string, unknown>)[TESTCONTAINERS_KEY];
}
