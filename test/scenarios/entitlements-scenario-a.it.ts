/**
 * Scenario A (ACCEPTANCE.md) through the real broker and PostgreSQL: the Acme deal goes onto crm.deals.v1 as a CRM
 * connector publishes it, the contracts and entitlements services run in-process (entitlements as its Nest
 * application, HTTP included), January's usage goes onto metering.usage.v1 as metering emits it, and every
 * assertion reads the services' output topics (decoded with their declared schemas) or the HTTP endpoint.
 *
 * This test drives two services together, so it lives in the root test/ folder (type:test, the one place allowed to
 * import more than one service); the entitlements code never imports another service.
 */
import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Big } from '@billing/money';
import { Kafka, Message, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { AvroCodec, CatalogSchemaRegistry } from '@billing/avro';
import { PlatformClock } from '@billing/clock';
import type * as wire from '@billing/schemas';
import { openServiceDatabase, SERVICE_RUNTIME, ServiceRuntime } from '@billing/runtime';
import { createTestTopics, readTopic, runId, testKafka } from '@billing/testing/kafka';
import { contractsServiceDefinition, encodeCrmDealEvent, prefixedContractsTopics } from '../../services/contracts/src/app/definition';
import { ACME, acmeCrmDeal, acmeFebruaryRampDeal, amended, closedWon } from '@billing/testing';
import { decodeEntitlementBalance, entitlementsServiceDefinition, EntitlementsTopics, prefixedEntitlementsTopics } from '../../services/entitlements/src/app/definition';
import { EntitlementsAppModule } from '../../services/entitlements/src/app/entitlements.module';

const codec = new AvroCodec(new CatalogSchemaRegistry());
const silent = { info: () => undefined, warn: () => undefined, error: (m: string, f?: object) => console.error(m, f) };
const INCLUDED_TOKENS = new Big('10000000');

// ------------------------------------------------------------------------------------------ January's usage

interface Usage {
  readonly usageEventId: string;
  readonly quantity: Big;
  readonly eventTime: string;
}

/** Deterministic pseudo-random sizes (an LCG): `count` positive whole token counts, 0.6x to 1.4x the mean, summing exactly to `total`. */
function sizes(total: number, count: number, seed: number): number[] {
  let x = seed;
  const weights = Array.from({ length: count }, () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return 0.6 + (0.8 * x) / 2147483648;
  });
  const weightTotal = weights.reduce((a, b) => a + b, 0);
  const out = weights.map((weight) => Math.floor((total * weight) / weightTotal));
  let left = total - out.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i++, left--) out[i % count] += 1;
  if (out.some((size) => size <= 0)) throw new Error('sizes: every event carries tokens');
  return out;
}

/** `count` events of a window [fromIso, toIso), evenly spaced, carrying the given sizes. */
function spread(prefix: string, fromIso: string, toIso: string, quantities: number[]): Usage[] {
  const from = Date.parse(fromIso);
  const stepMs = Math.floor((Date.parse(toIso) - from) / quantities.length);
  return quantities.map((quantity, index) => ({
    usageEventId: `${prefix}-${String(index + 1).padStart(4, '0')}`,
    quantity: new Big(quantity),
    eventTime: new Date(from + index * stepMs + 60_000).toISOString(),
  }));
}

/**
 * 13,000,000 tokens in 460 events: 5,000,000 by the end of 2026-01-15, then 5,012,345 over 01-16..23 (so the
 * 10,000,000th token falls inside an event of the 23rd, not on an event boundary), then the rest.
 */
function januaryUsage(): Usage[] {
  return [
    ...spread('acme-u-a', '2026-01-01T00:00:00.000Z', '2026-01-16T00:00:00.000Z', sizes(5_000_000, 200, 7)),
    ...spread('acme-u-b', '2026-01-16T00:00:00.000Z', '2026-01-24T00:00:00.000Z', sizes(5_012_345, 160, 11)),
    ...spread('acme-u-c', '2026-01-24T00:00:00.000Z', '2026-02-01T00:00:00.000Z', sizes(2_987_655, 100, 13)),
  ];
}

/** The usage event holding the n-th token (counted by the test, independently of the service). */
function holderOfToken(usage: Usage[], n: Big): Usage {
  let total = new Big(0);
  for (const event of usage) {
    total = total.plus(event.quantity);
    if (total.gte(n)) return event;
  }
  throw new Error(`fewer than ${n.toString()} tokens`);
}

function meteringRecord(eventId: string, occurredAt: string, payload: wire.MeteringEvent['payload'], eventType: string): wire.MeteringEvent {
  return { eventId, eventType, occurredAt, recordedAt: occurredAt, causationId: null, correlationId: null, schemaVersion: 1, customerId: ACME.customerId, payload };
}

/** Accepted usage as metering appends it to metering.usage.v1 (received two seconds after it happened). */
function meteringUsageAccepted(usage: Usage): wire.MeteringEvent {
  const receivedAt = new Date(Date.parse(usage.eventTime) + 2_000).toISOString();
  return meteringRecord(`metering:${usage.usageEventId}`, usage.eventTime, {
    'billing.metering.UsageAccepted': {
      usageEventId: usage.usageEventId, contractId: ACME.contractId, meterCode: 'tokens', quantity: usage.quantity, eventTime: usage.eventTime,
      receivedAt, periodId: '2026-01', periodStart: '2026-01-01T00:00:00.000Z', periodEnd: '2026-02-01T00:00:00.000Z', properties: { model: 'llm-large' },
    },
  }, 'UsageAccepted');
}

// ------------------------------------------------------------------------------------------------- the test

describe('scenario A through the broker: Acme\'s January tokens (contracts + entitlements)', () => {
  let kafka: Kafka;
  let producer: Producer;
  let clock: PlatformClock;
  const dataSources: DataSource[] = [];
  let contracts: ServiceRuntime<unknown, unknown, unknown> | undefined;
  let app: INestApplication | undefined;
  const schemas: string[] = [];

  beforeAll(async () => {
    kafka = testKafka('scenario-a-it');
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });

  afterAll(async () => {
    await app?.close().catch(() => undefined);
    await contracts?.stop().catch(() => undefined);
    await clock?.disconnect().catch(() => undefined);
    await producer.disconnect();
    for (const ds of dataSources) {
      for (const schema of schemas) await ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await ds.destroy().catch(() => undefined);
    }
  });

  async function send(topic: string, messages: Message[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 500) await producer.send({ topic, messages: messages.slice(i, i + 500), acks: -1 });
  }

  it('sees 50% on 2026-01-15 and exhaustion on 2026-01-23 at exactly the event holding the 10,000,000th token; the balances topic and the HTTP endpoint show the live balance', async () => {
    const run = runId();
    const contractsName = `contracts_${run}`;
    const entitlementsName = `entitlements_${run}`;
    schemas.push(contractsName, entitlementsName);
    const contractsTopics = prefixedContractsTopics(`s${run}`);
    const fresh = prefixedEntitlementsTopics(`s${run}`);
    const topics: EntitlementsTopics = { ...fresh, contracts: contractsTopics.events };
    await createTestTopics(kafka, [
      { name: contractsTopics.deals }, { name: contractsTopics.events }, { name: contractsTopics.deadLetters }, { name: contractsTopics.positions, compact: true },
      { name: topics.usage }, { name: topics.clock }, { name: topics.events }, { name: topics.balances, compact: true }, { name: topics.deadLetters },
      { name: topics.positions, compact: true },
    ]);

    // contracts: in-process runtime; entitlements: its Nest application on a random port.
    const contractsDb = await openServiceDatabase(contractsName);
    dataSources.push(contractsDb);
    contracts = new ServiceRuntime(contractsServiceDefinition(codec, { name: contractsName, topics: contractsTopics }), { kafka, dataSource: contractsDb, logger: silent });
    await contracts.start();
    app = await NestFactory.create(EntitlementsAppModule.forRoot({ codec, name: entitlementsName, topics }), { logger: false });
    await app.listen(0, '127.0.0.1');
    const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const entitlements = app.get<ServiceRuntime<unknown, unknown, unknown>>(SERVICE_RUNTIME);
    await contracts.waitUntilReady();
    await entitlements.waitUntilReady();
    clock = new PlatformClock(kafka, codec, `scenario-a-${run}`, topics.clock);
    await clock.connect();

    // The deal, as Salesforce's connector publishes it on 2026-01-01.
    await send(contractsTopics.deals, [{
      key: ACME.customerId,
      value: await encodeCrmDealEvent(codec, closedWon({ eventId: 'sf-evt-acme-1', customerId: ACME.customerId, occurredAt: '2026-01-01T00:00:00.000Z', dealId: ACME.dealId, deal: acmeCrmDeal() })),
    }]);
    await clock.advanceTo('2026-01-01T00:00:00.000Z');
    await contracts.waitUntilCaughtUp(30_000);
    await entitlements.waitUntilCaughtUp(30_000);

    // January's usage as metering emits it, after metering's own note of the contract (which entitlements ignores).
    const usage = januaryUsage();
    const meteringEvents: wire.MeteringEvent[] = [
      meteringRecord('metering:terms-1', '2026-01-01T00:00:00.000Z', {
        'billing.metering.MeteringContractTermsNoted': {
          contractId: ACME.contractId, termsVersion: 1, startDate: '2026-01-01T00:00:00.000Z', endDate: '2027-01-01T00:00:00.000Z',
          billingPeriodAlignment: 'CalendarMonth', meters: [{ meterCode: 'tokens', aggregation: 'Sum', aggregationProperty: null }], notedAt: '2026-01-01T00:00:00.000Z',
        },
      }, 'MeteringContractTermsNoted'),
      ...usage.map(meteringUsageAccepted),
    ];
    const meteringMessages = await Promise.all(meteringEvents.map(async (event) => ({ key: ACME.customerId, value: await codec.encode('metering.usage.v1-value', event) })));
    await send(topics.usage, meteringMessages.slice(0, 201));
    await clock.advanceTo('2026-01-16T00:00:00.000Z');
    await send(topics.usage, meteringMessages.slice(201));
    await entitlements.waitUntilCaughtUp(30_000);

    // The input, as the scenario states it (counted here, not by the service).
    const total = usage.reduce((sum, event) => sum.plus(event.quantity), new Big(0));
    expect(total).toEqual(new Big('13000000'));
    const byEndOf15th = usage.filter((event) => event.eventTime < '2026-01-16').reduce((sum, event) => sum.plus(event.quantity), new Big(0));
    expect(byEndOf15th).toEqual(new Big('5000000'));
    const halfway = holderOfToken(usage, INCLUDED_TOKENS.div(2));
    const holder = holderOfToken(usage, INCLUDED_TOKENS);
    expect(holder.eventTime.slice(0, 10)).toBe('2026-01-23');
    expect(usage.slice(0, usage.indexOf(holder)).reduce((sum, event) => sum.plus(event.quantity), new Big(0)).lt(INCLUDED_TOKENS)).toBe(true);

    // entitlements.events.v1, decoded with its declared schema.
    const decoded: wire.EntitlementEvent[] = [];
    for (const message of await readTopic(kafka, topics.events)) {
      decoded.push((await codec.decode<wire.EntitlementEvent>(message.value!, 'entitlements.events.v1-value')).value);
    }
    const acme = decoded.filter((event) => event.customerId === ACME.customerId);
    const payloadOf = <T>(event: wire.EntitlementEvent) => Object.values(event.payload)[0] as T;
    const tokens = (type: string) => acme.filter((event) => event.eventType === type && payloadOf<{ featureCode: string }>(event).featureCode === 'tokens');

    expect(tokens('AllowanceOpened').map((event) => payloadOf<wire.AllowanceOpened>(event))).toMatchObject([
      { periodStart: '2026-01-01', periodEnd: '2026-02-01', includedUnits: INCLUDED_TOKENS },
    ]);
    const consumed = tokens('UsageConsumed').map((event) => payloadOf<wire.UsageConsumed>(event));
    expect(consumed.map((event) => event.usageEventId)).toEqual(usage.map((event) => event.usageEventId));

    const thresholds = tokens('ThresholdReached').map((event) => ({ event, payload: payloadOf<wire.ThresholdReached>(event) }));
    const fifty = thresholds.find(({ payload }) => payload.percent === 50)!;
    expect(fifty.payload).toMatchObject({ usageEventId: halfway.usageEventId, eventTime: halfway.eventTime, includedUnits: INCLUDED_TOKENS });
    expect(fifty.payload.eventTime.slice(0, 10)).toBe('2026-01-15');
    expect(fifty.event.occurredAt).toBe(halfway.eventTime);
    expect(thresholds.map(({ payload }) => payload.percent)).toEqual([50, 80, 100]);

    const exhausted = tokens('AllowanceExhausted').map((event) => ({ event, payload: payloadOf<wire.AllowanceExhausted>(event) }));
    expect(exhausted).toHaveLength(1);
    expect(exhausted[0].payload).toMatchObject({ usageEventId: holder.usageEventId, eventTime: holder.eventTime, periodStart: '2026-01-01', includedUnits: INCLUDED_TOKENS });
    expect(exhausted[0].payload.eventTime.slice(0, 10)).toBe('2026-01-23');
    // From that event on, January's usage is overage (what rating prices at the overage price in real time).
    const holderIndex = consumed.findIndex((event) => event.usageEventId === holder.usageEventId);
    const overage = consumed.reduce((sum, event) => sum.plus(event.overageQuantity), new Big(0));
    expect(overage).toEqual(total.minus(INCLUDED_TOKENS));
    expect(consumed.slice(0, holderIndex).every((event) => event.overageQuantity.eq(0))).toBe(true);
    expect(consumed[holderIndex].overageQuantity.gt(0) && consumed[holderIndex].includedQuantity.gt(0)).toBe(true); // the 10,000,000th token sits inside it
    expect(consumed.slice(holderIndex + 1).every((event) => event.includedQuantity.eq(0))).toBe(true);
    expect(await readTopic(kafka, topics.deadLetters)).toHaveLength(0);

    // The compacted balances topic, read as a product's cache does: the last value per key.
    const cache = async () => {
      const latest = new Map<string, wire.EntitlementBalance | null>();
      for (const message of await readTopic(kafka, topics.balances)) {
        latest.set(message.key!.toString(), message.value === null ? null : await decodeEntitlementBalance(codec, message.value));
      }
      return latest;
    };
    const january = await cache();
    expect(january.get(`${ACME.customerId}:tokens`)).toMatchObject({
      kind: 'Metered', status: 'Exhausted', periodStart: '2026-01-01', includedUnits: INCLUDED_TOKENS, consumedUnits: total, remainingUnits: INCLUDED_TOKENS.minus(total),
      overageAllowed: true, updatedAt: usage[usage.length - 1].eventTime,
    });
    expect(january.get(`${ACME.customerId}:tokens.quarterly-pool`)).toMatchObject({ status: 'Open', includedUnits: new Big('30000000'), consumedUnits: total });
    expect(january.get(`${ACME.customerId}:sso`)).toMatchObject({ kind: 'Flag', enabled: true });

    // The HTTP endpoint answers from the running service's state: the same balance, amounts as exact strings.
    const response = await fetch(`${baseUrl}/customers/${ACME.customerId}/entitlements`);
    expect(response.status).toBe(200);
    const view = (await response.json()) as { customerId: string; features: Record<string, unknown>[] };
    expect(view.customerId).toBe(ACME.customerId);
    expect(view.features.find((feature) => feature.featureCode === 'tokens')).toMatchObject({
      kind: 'metered', status: 'exhausted', includedUnits: '10000000', consumedUnits: total.toString(), remainingUnits: INCLUDED_TOKENS.minus(total).toString(),
    });
    expect(view.features.map((feature) => feature.featureCode)).toEqual(['sso', 'tokens', 'tokens.quarterly-pool']);
    expect((await fetch(`${baseUrl}/customers/cust-nobody/entitlements`)).status).toBe(404);

    // The February amendment (recorded 2026-01-20, a new ramp price from 2026-02-01) changes no January allowance;
    // the 2026-02-01 tick rolls January over into February's allowance.
    await send(contractsTopics.deals, [{
      key: ACME.customerId,
      value: await encodeCrmDealEvent(codec, amended({ eventId: 'sf-evt-acme-2', customerId: ACME.customerId, occurredAt: '2026-01-20T09:30:00.000Z', dealId: ACME.dealId, effectiveDate: '2026-02-01', deal: acmeFebruaryRampDeal() })),
    }]);
    await contracts.waitUntilCaughtUp(30_000);
    await entitlements.waitUntilCaughtUp(30_000);
    const afterAmendment = (await readTopic(kafka, topics.events)).length;
    expect(afterAmendment).toBe(decoded.length + 1); // ContractTermsNoted only
    await clock.advanceTo('2026-02-01T00:00:00.000Z');
    await entitlements.waitUntilCaughtUp(30_000);
    const rolled = [];
    for (const message of (await readTopic(kafka, topics.events)).slice(afterAmendment)) {
      rolled.push((await codec.decode<wire.EntitlementEvent>(message.value!, 'entitlements.events.v1-value')).value);
    }
    expect(rolled.map((event) => [event.eventType, payloadOf<{ featureCode: string }>(event).featureCode])).toEqual([['PeriodRolledOver', 'tokens']]);
    expect(payloadOf<wire.PeriodRolledOver>(rolled[0])).toMatchObject({ closedPeriodStart: '2026-01-01', closedConsumedUnits: total, periodStart: '2026-02-01' });
    expect((await cache()).get(`${ACME.customerId}:tokens`)).toMatchObject({
      status: 'Open', periodStart: '2026-02-01', periodEnd: '2026-03-01', consumedUnits: new Big(0), remainingUnits: INCLUDED_TOKENS,
    });

    // Bad input on the usage topic reaches entitlements.dlq.v1 with its reason; the usage after it still counts.
    const february: Usage = { usageEventId: 'acme-u-feb-0001', quantity: new Big('1234.5'), eventTime: '2026-02-02T10:00:00.000Z' };
    const unknownMeter = meteringUsageAccepted({ usageEventId: 'acme-u-img-0001', quantity: new Big(3), eventTime: '2026-02-02T09:00:00.000Z' });
    const unknownMeterPayload = unknownMeter.payload as { 'billing.metering.UsageAccepted': wire.UsageAccepted };
    unknownMeterPayload['billing.metering.UsageAccepted'].meterCode = 'images';
    await send(topics.usage, [
      { key: ACME.customerId, value: Buffer.from('not avro') },
      { key: ACME.customerId, value: await codec.encode('metering.usage.v1-value', unknownMeter) },
      { key: ACME.customerId, value: await codec.encode('metering.usage.v1-value', meteringUsageAccepted(february)) },
    ]);
    await entitlements.waitUntilCaughtUp(30_000);
    const definition = entitlementsServiceDefinition(codec, { name: entitlementsName, topics });
    const letters = await Promise.all((await readTopic(kafka, topics.deadLetters)).map((m) => definition.deadLetterCodec.decode(m.value!)));
    expect(letters.map((letter) => letter.reasonCode).sort()).toEqual(['BAD_MAGIC_BYTE', 'UNKNOWN_FEATURE']);
    expect((await cache()).get(`${ACME.customerId}:tokens`)).toMatchObject({ periodStart: '2026-02-01', consumedUnits: new Big('1234.5') });
  });
});

// Kafka gives no order across metering.usage.v1 and contracts.events.v1: usage may reach entitlements before the terms.
describe('scenario A through the broker: January usage on the usage topic before the contract event', () => {
  let kafka: Kafka;
  let producer: Producer;
  let contracts: ServiceRuntime<unknown, unknown, unknown> | undefined;
  let entitlements: ServiceRuntime<unknown, unknown, unknown> | undefined;
  const dataSources: DataSource[] = [];
  const schemas: string[] = [];

  beforeAll(async () => {
    kafka = testKafka('scenario-a-usage-first-it');
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });

  afterAll(async () => {
    await entitlements?.stop().catch(() => undefined);
    await contracts?.stop().catch(() => undefined);
    await producer.disconnect();
    for (const ds of dataSources) {
      for (const schema of schemas) await ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await ds.destroy().catch(() => undefined);
    }
  });

  it('holds the usage, then counts all of it when the terms arrive: 50% and exhaustion at the same usage events as terms-first', async () => {
    const run = runId();
    const contractsName = `contracts_${run}`;
    const entitlementsName = `entitlements_${run}`;
    schemas.push(contractsName, entitlementsName);
    const contractsTopics = prefixedContractsTopics(`u${run}`);
    const topics: EntitlementsTopics = { ...prefixedEntitlementsTopics(`u${run}`), contracts: contractsTopics.events };
    await createTestTopics(kafka, [
      { name: contractsTopics.deals }, { name: contractsTopics.events }, { name: contractsTopics.deadLetters }, { name: contractsTopics.positions, compact: true },
      { name: topics.usage }, { name: topics.clock }, { name: topics.events }, { name: topics.balances, compact: true }, { name: topics.deadLetters },
      { name: topics.positions, compact: true },
    ]);
    const contractsDb = await openServiceDatabase(contractsName);
    const entitlementsDb = await openServiceDatabase(entitlementsName);
    dataSources.push(contractsDb, entitlementsDb);
    contracts = new ServiceRuntime(contractsServiceDefinition(codec, { name: contractsName, topics: contractsTopics }), { kafka, dataSource: contractsDb, logger: silent });
    entitlements = new ServiceRuntime(entitlementsServiceDefinition(codec, { name: entitlementsName, topics }), { kafka, dataSource: entitlementsDb, logger: silent });
    await contracts.start();
    await entitlements.start();
    await contracts.waitUntilReady();
    await entitlements.waitUntilReady();

    // All of January's usage first: nothing to count against yet, so entitlements holds it (nothing to the DLQ).
    const usage = januaryUsage();
    const messages = await Promise.all(usage.map(async (event) => ({ key: ACME.customerId, value: await codec.encode('metering.usage.v1-value', meteringUsageAccepted(event)) })));
    for (let i = 0; i < messages.length; i += 500) await producer.send({ topic: topics.usage, messages: messages.slice(i, i + 500), acks: -1 });
    await entitlements.waitUntilCaughtUp(30_000);
    const decode = async () => {
      const out: wire.EntitlementEvent[] = [];
      for (const message of await readTopic(kafka, topics.events)) out.push((await codec.decode<wire.EntitlementEvent>(message.value!, 'entitlements.events.v1-value')).value);
      return out;
    };
    const held = await decode();
    expect(held.map((event) => event.eventType)).toEqual(usage.map(() => 'UsageHeldUntilTerms'));
    expect(await readTopic(kafka, topics.deadLetters)).toHaveLength(0);

    // Then the deal (Salesforce's connector, 2026-01-01), through the contracts service onto contracts.events.v1.
    await producer.send({
      topic: contractsTopics.deals,
      acks: -1,
      messages: [{
        key: ACME.customerId,
        value: await encodeCrmDealEvent(codec, closedWon({ eventId: 'sf-evt-acme-1', customerId: ACME.customerId, occurredAt: '2026-01-01T00:00:00.000Z', dealId: ACME.dealId, deal: acmeCrmDeal() })),
      }],
    });
    await contracts.waitUntilCaughtUp(30_000);
    await entitlements.waitUntilCaughtUp(30_000);

    const payloadOf = <T>(event: wire.EntitlementEvent) => Object.values(event.payload)[0] as T;
    const released = (await decode()).slice(held.length);
    const tokens = (type: string) => released.filter((event) => event.eventType === type && payloadOf<{ featureCode: string }>(event).featureCode === 'tokens');
    expect(tokens('UsageConsumed').map((event) => payloadOf<wire.UsageConsumed>(event).usageEventId)).toEqual(usage.map((event) => event.usageEventId));
    const halfway = holderOfToken(usage, INCLUDED_TOKENS.div(2));
    const holder = holderOfToken(usage, INCLUDED_TOKENS);
    const fifty = tokens('ThresholdReached').map((event) => payloadOf<wire.ThresholdReached>(event)).find((payload) => payload.percent === 50);
    expect(fifty).toMatchObject({ usageEventId: halfway.usageEventId, eventTime: halfway.eventTime });
    expect(fifty!.eventTime.slice(0, 10)).toBe('2026-01-15');
    const exhausted = tokens('AllowanceExhausted');
    expect(exhausted).toHaveLength(1);
    expect(exhausted[0].occurredAt).toBe(holder.eventTime);
    expect(payloadOf<wire.AllowanceExhausted>(exhausted[0])).toMatchObject({ usageEventId: holder.usageEventId, eventTime: holder.eventTime, periodStart: '2026-01-01' });
    const total = usage.reduce((sum, event) => sum.plus(event.quantity), new Big(0));
    const balances = await readTopic(kafka, topics.balances);
    const lastTokens = balances.filter((message) => message.key!.toString() === `${ACME.customerId}:tokens`).at(-1)!;
    expect(await decodeEntitlementBalance(codec, lastTokens.value!)).toMatchObject({ status: 'Exhausted', consumedUnits: total, remainingUnits: INCLUDED_TOKENS.minus(total) });
    expect(await readTopic(kafka, topics.deadLetters)).toHaveLength(0);
  });
});
