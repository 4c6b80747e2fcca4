/**
 * Contracts: restart from snapshots, drop-schema-and-replay, and a replay from offset 0 onto fresh topics, over
 * crm.deals.v1 as CRM connectors publish it (twelve customers, amendments, a duplicate delivery, undecodable bytes).
 */
import { AvroCodec, CatalogSchemaRegistry } from '@billing/avro';
import { acmeCrmDeal, acmeFebruaryRampDeal, amended, closedWon, withTokensLine } from '@billing/testing';
import { createTestTopics, runId, testKafka } from '@billing/testing/kafka';
import { contractsServiceDefinition, encodeCrmDealEvent, prefixedContractsTopics } from '../../services/contracts/src/app/definition';
import { contractTermsProjection } from '../../services/contracts/src/app/projection';
import { expectRebuildAndReplayIdentical } from './rebuild.harness';

jest.setTimeout(120_000);

const CUSTOMERS = 12;
/** Scenario A's February ramp, for any customer. */
const FEBRUARY_RAMPS = acmeFebruaryRampDeal().lineItems.find((line) => line.lineType === 'Usage')!.ramps;

it('contracts rebuilds from snapshots and from nothing with identical state and rows, and replays byte for byte', async () => {
  const kafka = testKafka('contracts-rebuild-it');
  const codec = new AvroCodec(new CatalogSchemaRegistry());
  const run = runId();
  const inputs = prefixedContractsTopics(`rb_${run}_in`);
  await createTestTopics(kafka, [{ name: inputs.deals }]);
  const messages = [];
  for (let c = 0; c < CUSTOMERS; c++) {
    const customerId = `cust-${c}`;
    const dealId = `006DEAL${String(c).padStart(4, '0')}`;
    const won = closedWon({ eventId: `sf-${c}-1`, customerId, occurredAt: `2026-01-${String(1 + c).padStart(2, '0')}T08:00:00.000Z`, dealId, deal: acmeCrmDeal({ customerId }) });
    messages.push({ key: customerId, value: await encodeCrmDealEvent(codec, won) });
    if (c % 3 === 0) {
      const ramp = amended({ eventId: `sf-${c}-2`, customerId, occurredAt: '2026-01-20T09:30:00.000Z', dealId, effectiveDate: '2026-02-01', deal: withTokensLine(acmeCrmDeal({ customerId }), (line) => ({ ...line, ramps: FEBRUARY_RAMPS })) });
      messages.push({ key: customerId, value: await encodeCrmDealEvent(codec, ramp) });
    }
    // A connector's retry delivers the same deal event again: dead-lettered as a duplicate, takes effect once.
    if (c % 4 === 1) messages.push({ key: customerId, value: await encodeCrmDealEvent(codec, won) });
    if (c % 5 === 2) messages.push({ key: customerId, value: Buffer.from(`not avro ${c}`) });
  }
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({ topic: inputs.deals, messages, acks: -1 });
  await producer.disconnect();

  const name = `contracts_rb_${run}`;
  const { events, outputs } = await expectRebuildAndReplayIdentical(kafka, {
    name,
    outputTopics: (prefix) => {
      const t = prefixedContractsTopics(`${prefix}_${run}`);
      return { events: t.events, deadLetters: t.deadLetters, positions: t.positions };
    },
    definition: (outputs) => contractsServiceDefinition(codec, { name, topics: { ...inputs, ...outputs } }) as never,
    projections: (eventTopic) => [contractTermsProjection(codec, name, eventTopic)],
  }, 'rb', { replay: true });
  expect(events).toBe(CUSTOMERS + 4);
  expect(Object.values(outputs.deadLetters).flat()).toHaveLength(3 + 2); // duplicates of cust-1, -5, -9; garbage of cust-2, -7
});
