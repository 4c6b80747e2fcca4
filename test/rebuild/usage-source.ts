/**
 * Inputs for the metering, rating and entitlements rebuild tests, written the way production writes them: two
 * customers' contracts on contracts.events.v1 (scenario A's Acme, with its February amendment, and a second
 * customer on the same terms), usage through the usage producer (duplicates and undecodable bytes included), and
 * platform clock ticks closing January and February, with late January usage in between. Metering runs for real
 * (UsagePipeline), so metering.usage.v1 holds what rating and entitlements consume.
 */
import type * as wire from '@billing/schemas';
import { usageSpread } from '@billing/testing';
import { ContractCommand, contractsDecider, ContractsState } from '../../services/contracts/src/domain';
import { contractEventToWire } from '../../services/contracts/src/app/mappers';
import { acmeClosedWon, acmeFebruaryAmendment, acmeTerms, ACME_CUSTOMER_ID } from '../../services/contracts/src/domain/scenario-a.fixture';
import { UsagePipeline } from '../scenarios/usage-pipeline.harness';

const BETA_CUSTOMER_ID = 'cust-beta-labs';

export async function writeUsageInputs(): Promise<UsagePipeline> {
  const pipeline = new UsagePipeline();
  await pipeline.start();
  await pipeline.advanceTo('2026-01-01T00:00:00Z');
  await publishContracts(pipeline, [
    [ACME_CUSTOMER_ID, acmeClosedWon],
    [BETA_CUSTOMER_ID, {
      ...acmeClosedWon, dealEventId: 'crm-evt-beta-1', dealId: '006BETA0001',
      terms: { ...acmeTerms, customer: { ...acmeTerms.customer, customerId: BETA_CUSTOMER_ID, legalName: 'Beta Labs Ltd' } },
    }],
    [ACME_CUSTOMER_ID, { ...acmeFebruaryAmendment, now: '2026-01-01T00:00:00.000Z' }],
  ]);

  const windows = [
    ['2026-01-01T00:00:00Z', '2026-01-16T00:00:00Z', 6_000_000n], ['2026-01-16T00:00:00Z', '2026-02-01T00:00:00Z', 6_000_000n],
    ['2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z', 4_000_000n],
  ] as const;
  for (const [from, until, tokens] of windows) {
    await pipeline.advanceTo(until);
    const acme = usageSpread(ACME_CUSTOMER_ID, `acme-${from}`, 'tokens', tokens, 40, from, until, 10_000n);
    const beta = usageSpread(BETA_CUSTOMER_ID, `beta-${from}`, 'tokens', tokens / 2n, 20, from, until, 5_000n);
    await pipeline.sendUsage([...acme, ...beta]);
    // A product's retry sends some again: counted as duplicates, accepted once.
    await pipeline.sendUsage(acme.slice(0, 3));
    await pipeline.sendRawUsage(ACME_CUSTOMER_ID, Buffer.from(`not avro ${from}`));
    await pipeline.settle();
    if (until === '2026-02-01T00:00:00Z') {
      // January closes on the clock, then late January usage arrives.
      await pipeline.advanceTo('2026-02-01T01:00:00Z');
      await pipeline.sendUsage(usageSpread(ACME_CUSTOMER_ID, 'acme-late', 'tokens', 200_000n, 2, '2026-01-31T10:00:00Z', '2026-01-31T12:00:00Z', 0n));
      await pipeline.settle();
    }
  }
  await pipeline.advanceTo('2026-03-01T01:00:00Z');
  return pipeline;
}

/** Contract events as the contracts service writes them (its decider and mapper), one state per customer. */
async function publishContracts(pipeline: UsagePipeline, commands: [string, ContractCommand][]): Promise<void> {
  const subject = 'contracts.events.v1-value';
  const schemaVersion = await pipeline.codec.registry.latestVersion(subject);
  const states = new Map<string, ContractsState>();
  const messages = [];
  for (const [customerId, command] of commands) {
    let state = states.get(customerId) ?? contractsDecider.initialState();
    for (const event of contractsDecider.decide(command, state)) {
      state = contractsDecider.evolve(state, event);
      const { envelope, eventType, payload } = contractEventToWire(event);
      const record: wire.ContractEvent = {
        eventId: `contracts-rb:${pipeline.run}:${messages.length}`, eventType, occurredAt: envelope.occurredAt, recordedAt: envelope.occurredAt,
        causationId: null, correlationId: null, schemaVersion, customerId: envelope.customerId, payload,
      };
      messages.push({ key: envelope.customerId, value: await pipeline.codec.encode(subject, record) });
    }
    states.set(customerId, state);
  }
  const producer = pipeline.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await producer.send({ topic: pipeline.meteringTopics.contracts, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
  await pipeline.settle();
}
