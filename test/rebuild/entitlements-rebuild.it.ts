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
  afterAll(() => source.stop());

  it('rebuilds from snapshots and from nothing with identical state, and replays events and balances byte for byte', async () => {
    const { kafka, run } = source;
    const codec = new AvroCodec(new CatalogSchemaRegistry());
    const inputs: Partial<EntitlementsTopics> = { contracts: source.meteringTopics.contracts, usage: source.meteringTopics.events, clock: source.meteringTopics.clock };
    const name = `entitlements_rb_${run}`;
    const { events, outputs } = await expectRebuildAndReplayIdentical(kafka, {
      name,
      outputTopics: (prefix) => {
        const t = prefixedEntitlementsTopics(`${prefix}_${run}`);
        return { events: t.events, deadLetters: t.deadLetters, positions: t.positions, balances: t.balances };
      },
      definition: (outputs) => entitlementsServiceDefinition(codec, { name, topics: { ...inputs, ...outputs } }) as never,
      projections: () => [],
    }, 'rb');
    expect(events).toBeGreaterThan(100);
    expect(Object.values(outputs.balances).flat().length).toBeGreaterThan(0);
  });
});
