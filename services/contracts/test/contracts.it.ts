import { Big } from '@billing/money';
import { Kafka, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { AvroCodec, CatalogSchemaRegistry } from '@billing/avro';
import type * as wire from '@billing/schemas';
import { openServiceDatabase, ProjectionRunner, ServiceRuntime } from '@billing/runtime';
import { createTestTopics, readTopic, runId, testKafka } from '@billing/testing/kafka';
import { contractsServiceDefinition, ContractsTopics, encodeCrmDealEvent, prefixedContractsTopics } from '../src/app/definition';
import { contractTermsProjection, termsOnDate } from '../src/app/projection';
import { ContractEvent } from '../src/domain/events';
import { contractTermsOn } from '../src/domain/queries';
import { ContractsState } from '../src/domain/state';
import { UsageLine } from '../src/domain/terms';
import { ACME, acmeCrmDeal, acmeFebruaryRampDeal, amended, closedWon, perUnitPricing, withPlatformLine, withTokensLine } from '@billing/testing';

const codec = new AvroCodec(new CatalogSchemaRegistry());
const silent = { info: () => undefined, warn: () => undefined, error: (m: string, f?: object) => console.error(m, f) };

interface RunningContracts {
  readonly name: string;
  readonly topics: ContractsTopics;
  readonly runtime: ServiceRuntime<unknown, ContractEvent, ContractsState>;
  readonly projection: ProjectionRunner;
  readonly dataSource: DataSource;
}

describe('contracts service (real broker and PostgreSQL)', () => {
  let kafka: Kafka;
  let producer: Producer;
  const running: RunningContracts[] = [];

  beforeAll(async () => {
    kafka = testKafka('contracts-it');
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    for (const service of running) {
      await service.projection.stop().catch(() => undefined);
      await service.runtime.stop().catch(() => undefined);
      await service.dataSource.query(`DROP SCHEMA IF EXISTS "${service.name}" CASCADE`).catch(() => undefined);
      await service.dataSource.destroy().catch(() => undefined);
    }
  });

  async function startContracts(): Promise<RunningContracts> {
    const name = `contracts_${runId()}`;
    const topics = prefixedContractsTopics(name);
    await createTestTopics(kafka, [{ name: topics.deals }, { name: topics.events }, { name: topics.deadLetters }, { name: topics.positions, compact: true }]);
    const dataSource = await openServiceDatabase(name);
    const definition = contractsServiceDefinition(codec, { name, topics });
    const runtime = new ServiceRuntime(definition, { kafka, dataSource, logger: silent, options: { batchRecordsMax: 100 } });
    const projection = new ProjectionRunner(kafka, dataSource, contractTermsProjection(codec, name, topics.events));
    const service = { name, topics, runtime: runtime as ServiceRuntime<unknown, ContractEvent, ContractsState>, projection, dataSource };
    running.push(service);
    await runtime.start();
    await projection.start();
    await runtime.waitUntilReady();
    return service;
  }

  async function publishDeals(topic: string, events: (wire.CrmDealEvent | { customerId: string; garbage: Buffer })[]): Promise<void> {
    const messages = [];
    for (const event of events) {
      messages.push({ key: event.customerId, value: 'garbage' in event ? event.garbage : await encodeCrmDealEvent(codec, event) });
    }
    await producer.send({ topic, messages, acks: -1 });
  }

  async function contractEvents(service: RunningContracts): Promise<{ envelope: wire.ContractEvent; event: ContractEvent; partition: number; offset: string }[]> {
    const definition = contractsServiceDefinition(codec, { name: service.name, topics: service.topics });
    const out = [];
    for (const message of await readTopic(kafka, service.topics.events)) {
      const { value: envelope } = await codec.decode<wire.ContractEvent>(message.value!, 'contracts.events.v1-value');
      out.push({ envelope, event: await definition.eventCodec.decode(message.value!), partition: message.partition, offset: message.offset });
    }
    return out;
  }

  function stateOf(service: RunningContracts, customerId: string): ContractsState | undefined {
    for (const partition of service.runtime.assignedPartitions()) {
      const state = service.runtime.worker(partition)?.stateOf(customerId);
      if (state !== undefined) return state;
    }
    return undefined;
  }

  it('keeps January\'s terms untouched by an amendment effective 2026-02-01 and applies its ramp price from February (log, state and SQL)', async () => {
    const service = await startContracts();
    await publishDeals(service.topics.deals, [
      closedWon({ eventId: 'sf-evt-acme-1', customerId: ACME.customerId, occurredAt: '2026-01-01T00:00:00.000Z', dealId: ACME.dealId, deal: acmeCrmDeal() }),
      amended({ eventId: 'sf-evt-acme-2', customerId: ACME.customerId, occurredAt: '2026-01-20T09:30:00.000Z', dealId: ACME.dealId, effectiveDate: '2026-02-01', deal: acmeFebruaryRampDeal() }),
    ]);
    await service.runtime.waitUntilCaughtUp();
    await service.projection.waitUntilCaughtUp();

    // The log: version 1 as closed-won, version 2 as amended; version 1 is not rewritten.
    const events = await contractEvents(service);
    expect(events.map(({ envelope }) => [envelope.eventType, envelope.customerId, envelope.occurredAt])).toEqual([
      ['ContractCreated', ACME.customerId, '2026-01-01T00:00:00.000Z'],
      ['ContractAmended', ACME.customerId, '2026-01-20T09:30:00.000Z'],
    ]);
    const [created, amendedEvent] = events.map(({ event }) => event);
    if (created.type !== 'ContractCreated' || amendedEvent.type !== 'ContractAmended') throw new Error('unexpected event types');
    expect(created).toMatchObject({ contractId: ACME.contractId, version: 1, effectiveDate: '2026-01-01', endDate: '2027-01-01', dealEventId: 'sf-evt-acme-1' });
    expect(amendedEvent).toMatchObject({ contractId: ACME.contractId, version: 2, effectiveDate: '2026-02-01', endDate: '2027-01-01', dealEventId: 'sf-evt-acme-2' });
    const tokens = (terms: typeof created.terms) => terms.priceLines.find((line): line is UsageLine => line.kind === 'usage')!;
    expect(tokens(created.terms).ramps).toEqual([]);
    expect(tokens(created.terms).pricingModel).toEqual({ model: 'per_unit', unitPrice: new Big('0.004'), unitQuantity: new Big('1000') });
    expect(tokens(amendedEvent.terms).ramps).toEqual([
      { startDate: '2026-02-01', endDate: '2027-01-01', pricingModel: { model: 'per_unit', unitPrice: new Big('0.0035'), unitQuantity: new Big('1000') } },
    ]);

    // The projection answers "which terms applied on date D" in SQL, as the domain's own query does on the state.
    const state = stateOf(service, ACME.customerId)!;
    const contract = state.contracts[ACME.contractId];
    const tokensInSql = (terms: Record<string, unknown>) =>
      (terms.priceLines as { kind: string; pricingModel: unknown; ramps: unknown[] }[]).find((line) => line.kind === 'usage')!;
    for (const [date, version] of [['2026-01-01', 1], ['2026-01-15', 1], ['2026-01-31', 1], ['2026-02-01', 2], ['2026-12-31', 2]] as const) {
      const rows = await termsOnDate(service.dataSource, date, { service: service.name, customerId: ACME.customerId });
      expect(rows.map((row) => [row.contract_id, row.version])).toEqual([[ACME.contractId, version]]);
      expect(contractTermsOn(contract, date)?.version).toBe(version);
    }
    const january = (await termsOnDate(service.dataSource, '2026-01-15', { service: service.name }))[0];
    expect(tokensInSql(january.terms)).toMatchObject({ pricingModel: { model: 'per_unit', unitPrice: '0.004', unitQuantity: '1000' }, ramps: [] });
    expect(january).toMatchObject({ cause: 'created', effective_from: '2026-01-01', effective_to: '2027-01-01', currency: 'USD' });
    const february = (await termsOnDate(service.dataSource, '2026-02-15', { service: service.name }))[0];
    expect(february).toMatchObject({ cause: 'amended', effective_from: '2026-02-01', effective_to: '2027-01-01' });
    expect(tokensInSql(february.terms).ramps).toEqual([
      { startDate: '2026-02-01', endDate: '2027-01-01', pricingModel: { model: 'per_unit', unitPrice: '0.0035', unitQuantity: '1000' } },
    ]);
    // Bitemporal: as known on 2026-01-10 (before the amendment was recorded), February still ran on version 1.
    const knownBefore = await termsOnDate(service.dataSource, '2026-02-15', { service: service.name, knownAt: '2026-01-10T00:00:00.000Z' });
    expect(knownBefore.map((row) => row.version)).toEqual([1]);
    expect(contractTermsOn(contract, '2026-02-15', '2026-01-10T00:00:00.000Z')?.version).toBe(1);
    // Outside the term: nothing applied.
    expect(await termsOnDate(service.dataSource, '2025-12-31', { service: service.name })).toEqual([]);
    expect(await termsOnDate(service.dataSource, '2027-01-01', { service: service.name })).toEqual([]);

    // Each row carries the log position it reflects, and a rebuild from the log writes the same rows.
    const allRows = async () =>
      service.dataSource.query(`SELECT contract_id, version, customer_id, cause, effective_from::text, effective_to::text, recorded_at, terms,
        event_id, source_topic, source_partition, source_offset::text FROM "${service.name}".contract_terms_versions ORDER BY contract_id, version`);
    const before = await allRows();
    expect(before.map((row: { source_offset: string; source_partition: number }) => [row.source_partition, row.source_offset])).toEqual(
      events.map((event) => [event.partition, event.offset]),
    );
    await service.projection.rebuild();
    await service.projection.waitUntilCaughtUp();
    expect(await allRows()).toEqual(before);
  });

  it('dead-letters each bad deal with its typed reason, applies a repeated deal event id once, and keeps processing', async () => {
    const service = await startContracts();
    const at = '2026-01-01T00:00:00.000Z';
    const good = acmeCrmDeal({ customerId: 'cust-good' });
    const deals: (wire.CrmDealEvent | { customerId: string; garbage: Buffer })[] = [
      closedWon({ eventId: 'evt-currency', customerId: 'cust-currency', occurredAt: at, dealId: 'd-currency', deal: acmeCrmDeal({ customerId: 'cust-currency', currency: 'XYZ' }) }),
      closedWon({ eventId: 'evt-negative', customerId: 'cust-negative', occurredAt: at, dealId: 'd-negative',
        deal: withPlatformLine(acmeCrmDeal({ customerId: 'cust-negative' }), (line) => ({ ...line, amountPerPeriod: { amount: new Big('-0.01'), currency: 'USD' } })) }),
      closedWon({ eventId: 'evt-ramps', customerId: 'cust-ramps', occurredAt: at, dealId: 'd-ramps',
        deal: withTokensLine(acmeCrmDeal({ customerId: 'cust-ramps' }), (line) => ({
          ...line,
          ramps: [
            { startDate: '2026-01-01', endDate: '2026-04-01', amountPerPeriod: null, unitPricePerPeriod: null, seats: null, pricing: perUnitPricing('0.004', '1000') },
            { startDate: '2026-03-01', endDate: '2026-06-01', amountPerPeriod: null, unitPricePerPeriod: null, seats: null, pricing: perUnitPricing('0.003', '1000') },
          ],
        })) }),
      closedWon({ eventId: 'evt-start', customerId: 'cust-start', occurredAt: at, dealId: 'd-start', deal: { ...acmeCrmDeal({ customerId: 'cust-start' }), termMonths: 0 } }),
      amended({ eventId: 'evt-unknown', customerId: 'cust-unknown', occurredAt: at, dealId: 'd-never-closed', effectiveDate: '2026-02-01', deal: acmeCrmDeal({ customerId: 'cust-unknown' }) }),
      closedWon({ eventId: 'evt-good', customerId: 'cust-good', occurredAt: at, dealId: 'd-good', deal: good }),
      amended({ eventId: 'evt-early', customerId: 'cust-good', occurredAt: '2026-01-05T00:00:00.000Z', dealId: 'd-good', effectiveDate: '2025-12-15', deal: good }),
      closedWon({ eventId: 'evt-good', customerId: 'cust-good', occurredAt: at, dealId: 'd-good', deal: good }), // the connector redelivers
      { customerId: 'cust-good', garbage: Buffer.from('{"not":"avro"}') },
      closedWon({ eventId: 'evt-after', customerId: 'cust-after', occurredAt: at, dealId: 'd-after', deal: acmeCrmDeal({ customerId: 'cust-after' }) }),
    ];
    await publishDeals(service.topics.deals, deals);
    await service.runtime.waitUntilCaughtUp();

    const definition = contractsServiceDefinition(codec, { name: service.name, topics: service.topics });
    const letters = await Promise.all((await readTopic(kafka, service.topics.deadLetters)).map((m) => definition.deadLetterCodec.decode(m.value!)));
    const byEventId = await Promise.all(
      letters.map(async (letter) => {
        const decoded = await codec.decode<wire.CrmDealEvent>(letter.originalValue, 'crm.deals.v1-value').catch(() => undefined);
        return [decoded?.value.eventId ?? `bytes:${letter.originalValue.toString()}`, letter.reasonCode];
      }),
    );
    expect(byEventId.sort()).toEqual(
      [
        ['evt-currency', 'UNKNOWN_CURRENCY'],
        ['evt-negative', 'NEGATIVE_PRICE'],
        ['evt-ramps', 'OVERLAPPING_RAMPS'],
        ['evt-start', 'START_AFTER_END'],
        ['evt-unknown', 'UNKNOWN_DEAL'],
        ['evt-early', 'AMENDMENT_BEFORE_START'],
        ['evt-good', 'DUPLICATE_DEAL_EVENT'],
        ['bytes:{"not":"avro"}', 'BAD_MAGIC_BYTE'],
      ].sort(),
    );
    for (const letter of letters) {
      expect(letter.originalTopic).toBe(service.topics.deals);
      expect(letter.service).toBe(service.name);
    }

    // The good deals took effect, the repeated one once; the records after the bad ones were processed.
    const events = await contractEvents(service);
    expect(events.map(({ envelope }) => [envelope.eventType, envelope.customerId]).sort()).toEqual([
      ['ContractCreated', 'cust-after'],
      ['ContractCreated', 'cust-good'],
    ]);
    expect(stateOf(service, 'cust-good')).toMatchObject({ dealEventCount: 1, dealEventIds: { 'evt-good': 'salesforce-d-good' } });
    expect(stateOf(service, 'cust-currency')).toBeUndefined();
    expect(await service.runtime.isReady()).toBe(true);
  });
});
