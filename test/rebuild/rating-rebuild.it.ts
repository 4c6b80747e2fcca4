/**
 * Rating: restart from snapshots, drop-schema-and-replay, and a replay from offset 0 onto fresh topics, over
 * metering.usage.v1 as metering wrote it, contract events and clock ticks (see usage-source.ts).
 */
import { prefixedRatingTopics, RatingTopics, ratingServiceDefinition } from '../../services/rating/src/app/definition';
import { ratingChargesProjection } from '../../services/rating/src/app/projection';
import { UsagePipeline } from '../scenarios/usage-pipeline.harness';
import { expectRebuildAndReplayIdentical } from './rebuild.harness';
import { writeUsageInputs } from './usage-source';

jest.setTimeout(180_000);

describe('rating rebuild', () => {
  let source: UsagePipeline;
  beforeAll(async () => { source = await writeUsageInputs(); });
  afterAll(() => source.stop());

  it('rebuilds from snapshots and from nothing with identical state and rows, and replays byte for byte', async () => {
    const { codec, kafka, run } = source;
    const inputs: Partial<RatingTopics> = { meteringUsage: source.meteringTopics.events, contracts: source.meteringTopics.contracts, clock: source.meteringTopics.clock };
    const name = `rating_rb_${run}`;
    const { events } = await expectRebuildAndReplayIdentical(kafka, {
      name,
      outputTopics: (prefix) => {
        const t = prefixedRatingTopics(`${prefix}_${run}`);
        return { events: t.events, deadLetters: t.deadLetters, positions: t.positions };
      },
      definition: (outputs) => ratingServiceDefinition(codec, { name, topics: { ...inputs, ...outputs } }) as never,
      projections: (eventTopic) => [ratingChargesProjection(codec, name, eventTopic)],
    }, 'rb');
    expect(events).toBeGreaterThan(100);
  });
});
