/**
 * Entitlements: restart from snapshots, drop-schema-and-replay, and a replay from offset 0 onto fresh topics, over
 * contract events, metering.usage.v1 as metering wrote it and clock ticks (see usage-source.ts). Entitlements has
 * no SQL projection: its read model is the compacted entitlements.balances.v1, compared byte for byte.
 */
import { AvroCodec, CatalogSchemaRegistry } from '@billing/avro';
import { entitlementsServiceDefinition, EntitlementsTopics, prefixedEntitlementsTopics } from '../../services/entitlements/src/app/definition';
import { UsagePipeline } from '../scenarios/usage-pipeline.harness';
import { expectRebuildAndReplayIdentical } from './rebuild.harness';
import { writeUsageInputs } from './usage-source';

jest.setTimeout(180_000);

describe('entitlements rebuild', () => {
  let source: UsagePipeline;
  beforeAll(async () => { source = await writeUsageInputs(); });
  afterAll(() => source?.stop());

  const check = async (replay: boolean) => {
    const { kafka, run } = source;
    const codec = new AvroCodec(new CatalogSchemaRegistry());
    const inputs: Partial<EntitlementsTopics> = { contracts: source.meteringTopics.contracts, usage: source.meteringTopics.events, clock: source.meteringTopics.clock };
    const name = `entitlements_${replay ? 'rp' : 'rb'}_${run}`;
    const { events, outputs } = await expectRebuildAndReplayIdentical(kafka, {
      name,
      outputTopics: (prefix) => {
        const t = prefixedEntitlementsTopics(`${prefix}_${run}`);
        return { events: t.events, deadLetters: t.deadLetters, positions: t.positions, balances: t.balances };
      },
      definition: (outputs) => entitlementsServiceDefinition(codec, { name, topics: { ...inputs, ...outputs } }) as never,
      projections: () => [],
    }, replay ? 'rp' : 'rb', { replay });
    expect(events).toBeGreaterThan(100);
    expect(Object.values(outputs.balances).flat().length).toBeGreaterThan(0);
  };

  it('restarts from snapshots and rebuilds from a dropped schema with identical state and rows', () => check(false));
  // The runtime merges usage, contract events and clock ticks by timestamp, so the replay interleaves them as the first run did.
  it('replays from offset 0 onto fresh topics byte for byte', () => check(true));
});
