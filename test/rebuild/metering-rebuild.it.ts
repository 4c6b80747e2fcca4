/**
 * Metering: restart from snapshots, drop-schema-and-replay, and a replay from offset 0 onto fresh topics, over
 * usage, contract events and clock ticks (see usage-source.ts).
 */
import { MeteringTopics, meteringServiceDefinition, prefixedMeteringTopics } from '../../services/metering/src/app/definition';
import { meteringAggregatesProjection } from '../../services/metering/src/app/projection';
import { UsagePipeline } from '../scenarios/usage-pipeline.harness';
import { expectRebuildAndReplayIdentical } from './rebuild.harness';
import { writeUsageInputs } from './usage-source';

jest.setTimeout(180_000);

describe('metering rebuild', () => {
  let source: UsagePipeline;
  beforeAll(async () => { source = await writeUsageInputs(); });
  afterAll(() => source.stop());

  it('rebuilds from snapshots and from nothing with identical state and rows, and replays byte for byte', async () => {
    const { codec, kafka, run } = source;
    const inputs: Partial<MeteringTopics> = { usage: source.meteringTopics.usage, contracts: source.meteringTopics.contracts, clock: source.meteringTopics.clock };
    const name = `metering_rb_${run}`;
    const { events, outputs } = await expectRebuildAndReplayIdentical(kafka, {
      name,
      outputTopics: (prefix) => {
        const t = prefixedMeteringTopics(`${prefix}_${run}`);
        return { events: t.events, deadLetters: t.deadLetters, positions: t.positions };
      },
      definition: (outputs) => meteringServiceDefinition(codec, { name, kafka, topics: { ...inputs, ...outputs } }) as never,
      projections: (eventTopic) => [meteringAggregatesProjection(codec, name, eventTopic)],
    }, 'rb');
    expect(events).toBeGreaterThan(180);
    expect(Object.values(outputs.deadLetters).flat().length).toBeGreaterThanOrEqual(3);
  });
});
