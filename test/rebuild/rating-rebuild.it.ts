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
  afterAll(() => source?.stop());

  const check = async (replay: boolean) => {
    const { codec, kafka, run } = source;
    const inputs: Partial<RatingTopics> = { meteringUsage: source.meteringTopics.events, contracts: source.meteringTopics.contracts, clock: source.meteringTopics.clock };
    const name = `rating_${replay ? 'rp' : 'rb'}_${run}`;
    const { events } = await expectRebuildAndReplayIdentical(kafka, {
      name,
      outputTopics: (prefix) => {
        const t = prefixedRatingTopics(`${prefix}_${run}`);
        return { events: t.events, deadLetters: t.deadLetters, positions: t.positions };
      },
      definition: (outputs) => ratingServiceDefinition(codec, { name, topics: { ...inputs, ...outputs } }) as never,
      projections: (eventTopic) => [ratingChargesProjection(codec, name, eventTopic)],
    }, replay ? 'rp' : 'rb', { replay });
    expect(events).toBeGreaterThan(100);
  };

  it('restarts from snapshots and rebuilds from a dropped schema with identical state and rows', () => check(false));
  // The runtime merges usage, contract events and clock ticks by timestamp, so the replay interleaves them as the first run did.
  it('replays from offset 0 onto fresh topics byte for byte', () => check(true));
});
