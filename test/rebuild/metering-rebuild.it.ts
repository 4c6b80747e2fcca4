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
  afterAll(() => source?.stop());

  const check = async (replay: boolean) => {
    const { codec, kafka, run } = source;
    const inputs: Partial<MeteringTopics> = { usage: source.meteringTopics.usage, contracts: source.meteringTopics.contracts, clock: source.meteringTopics.clock };
    const name = `metering_${replay ? 'rp' : 'rb'}_${run}`;
    const { events, outputs } = await expectRebuildAndReplayIdentical(kafka, {
      name,
      outputTopics: (prefix) => {
        const t = prefixedMeteringTopics(`${prefix}_${run}`);
        return { events: t.events, deadLetters: t.deadLetters, positions: t.positions };
      },
      definition: (outputs) => meteringServiceDefinition(codec, { name, kafka, topics: { ...inputs, ...outputs } }) as never,
      projections: (eventTopic) => [meteringAggregatesProjection(codec, name, eventTopic)],
    }, replay ? 'rp' : 'rb', { replay });
    expect(events).toBeGreaterThan(0);
    // For comparison with the live metering (UsagePipeline), whose order depended on when inputs arrived.
    const live = (await source.meteringEvents()).length;
    const reasons = new Map<string, number>();
    for (const letter of Object.values(outputs.deadLetters).flat()) {
      const reason = (await source.meteringDefinition.deadLetterCodec.decode(Buffer.from(letter.split(':')[1], 'hex'))).reasonCode;
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    console.log(Object.fromEntries(reasons));
    console.log(`metering from offset 0: ${events} events and ${Object.values(outputs.deadLetters).flat().length} dead letters; live metering wrote ${live} events`);
  };

  it('restarts from snapshots and rebuilds from a dropped schema with identical state and rows', () => check(false));
  // The runtime merges usage, contract events and clock ticks by timestamp, so the replay interleaves them as the first run did.
  it('replays from offset 0 onto fresh topics byte for byte', () => check(true));
});
