/**
 * `npm run demo`: scenario A of ACCEPTANCE.md (Acme Bank) through the real broker and PostgreSQL, with the services
 * that exist today (contracts, entitlements, metering, rating) running in-process on fresh topics `demo_<run>.*`
 * and fresh PostgreSQL schemas `<service>_demo_<run>`, so demos never collide with each other or with the platform.
 *
 * The demo plays the outside world only: the CRM connector (an Avro deal on crm.deals.v1), the product (usage on
 * usage.events.v1 through libs/usage-producer) and the platform clock (PlatformClock). Everything it prints is read
 * back from the services' output topics (decoded with their declared schemas) and from their projections; every
 * figure ACCEPTANCE.md states is checked, and a difference exits non-zero.
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only scripts/demo.ts [--keep]
 *
 * --keep leaves the demo's topics and schemas in place for kcat/psql (the services are stopped either way).
 */
import { createWriteStream, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AvroCodec, schemaRegistryFromEnv } from '@billing/avro';
import { PlatformClock } from '@billing/clock';
import { ensureTopics, kafkaConfigFromEnv, loadTopicDeclarations, TopicDeclaration } from '@billing/kafka';
import { Big, isAtMinorUnit, minorUnits } from '@billing/money';
import {
  databaseUrlFromEnv, DeadLetter, openServiceDatabase, ProjectionDefinition, ProjectionRunner, RecordCodec, schemaNameFor, ServiceDefinition, ServiceRuntime,
  WorkerLogger,
} from '@billing/runtime';
import { ACME, acmeCrmDeal, closedWon, usageSpread } from '@billing/testing';
import { readTopic, runId } from '@billing/testing/kafka';
import { Usage, UsageProducer } from '@billing/usage-producer';
import { Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { contractsServiceDefinition, encodeCrmDealEvent, prefixedContractsTopics } from '../services/contracts/src/app/definition';
import { contractTermsProjection } from '../services/contracts/src/app/projection';
import type { ContractCreated, ContractEvent } from '../services/contracts/src/domain/events';
import { entitlementsServiceDefinition, prefixedEntitlementsTopics } from '../services/entitlements/src/app/definition';
import type { AllowanceExhausted, EntitlementEvent, PeriodRolledOver, ThresholdReached } from '../services/entitlements/src/domain/events';
import { meteringServiceDefinition, prefixedMeteringTopics } from '../services/metering/src/app/definition';
import { meteringAggregatesProjection } from '../services/metering/src/app/projection';
import type { MeteringEvent, PeriodClosed } from '../services/metering/src/domain';
import { prefixedRatingTopics, ratingServiceDefinition } from '../services/rating/src/app/definition';
import { ratingChargesProjection } from '../services/rating/src/app/projection';
import type { PeriodRated, RatingEvent, TrueUpCalculated, UsageRated } from '../services/rating/src/domain';

// ------------------------------------------------------------------------------------------------ the scenario

/** The figures ACCEPTANCE.md scenario A states for the parts that exist; the demo checks the platform against them. */
const EXPECTED = {
  customerId: ACME.customerId,
  sellerEntity: 'US',
  currency: 'USD',
  paymentTermsDays: 60,
  purchaseOrderNumber: 'PO-ACME-7781',
  fiftyPercentOn: '2026-01-15',
  exhaustedOn: '2026-01-23',
  tokensByPeriod: { '2026-01': '13000000', '2026-02': '8000000', '2026-03': '12000000' } as Record<string, string>,
  overageByPeriod: { '2026-01': '9.6', '2026-02': '0', '2026-03': '6.4' } as Record<string, string>,
  trueUp: '-6.4',
} as const;

const INCLUDED_TOKENS_PER_MONTH = new Big('10000000');
const DEAL_CLOSED_AT = '2026-01-01T00:00:00.000Z';
/** Metering and rating finalise a month one hour after it ends (their default grace): the clock goes there. */
const AFTER_GRACE = 'T01:00:00.000Z';
/** Each usage alternates this many tokens below and above its window's mean, so sizes vary but totals are exact. */
const USAGE_SWING_TOKENS = 10_000n;
const SETTLE_TIMEOUT_MS = 60_000;

interface UsageWindow { from: string; until: string; tokens: bigint; events: number }

/**
 * The product's usage, month by month, as windows of evenly spread events. January: 5,000,000 tokens by the end of
 * the 15th; the 10,000,000th token falls inside an event of the 23rd (not on an event boundary); 13,000,000 in all.
 */
const USAGE_BY_MONTH: [periodId: string, windows: UsageWindow[]][] = [
  ['2026-01', [
    { from: '2026-01-01T00:00:00.000Z', until: '2026-01-16T00:00:00.000Z', tokens: 5_000_000n, events: 100 },
    { from: '2026-01-16T00:00:00.000Z', until: '2026-01-24T00:00:00.000Z', tokens: 5_012_000n, events: 100 },
    { from: '2026-01-24T00:00:00.000Z', until: '2026-02-01T00:00:00.000Z', tokens: 2_988_000n, events: 60 },
  ]],
  ['2026-02', [
    { from: '2026-02-01T00:00:00.000Z', until: '2026-02-15T00:00:00.000Z', tokens: 4_000_000n, events: 80 },
    { from: '2026-02-15T00:00:00.000Z', until: '2026-03-01T00:00:00.000Z', tokens: 4_000_000n, events: 80 },
  ]],
  ['2026-03', [
    { from: '2026-03-01T00:00:00.000Z', until: '2026-03-16T00:00:00.000Z', tokens: 6_000_000n, events: 120 },
    { from: '2026-03-16T00:00:00.000Z', until: '2026-04-01T00:00:00.000Z', tokens: 6_000_000n, events: 120 },
  ]],
];

// --------------------------------------------------------------------------------------------- output helpers

const KEEP = process.argv.includes('--keep');
/** Set by Ctrl-C: the scenario stops at its next clock step and the demo cleans up. */
let interrupted = false;
const out = (line = '') => process.stdout.write(`${line}\n`);
const heading = (title: string) => out(`\n== ${title} ${'='.repeat(Math.max(0, 100 - title.length))}`);

/** 13000000 -> 13,000,000 (grouping only; the digits are the exact value). */
function grouped(value: Big | string): string {
  const text = typeof value === 'string' ? value : value.toFixed();
  const [whole, fraction] = text.split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = whole.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${digits}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** An exact amount as finance reads it: at the minor unit it shows 2 places (9.6 -> 9.60, the same number); finer amounts stay exact. */
function amount(value: Big, currency: string): string {
  return isAtMinorUnit(value, currency) ? grouped(value.toFixed(minorUnits(currency))) : `${grouped(value)} (exact)`;
}

function table(rows: Record<string, unknown>[]): void {
  if (rows.length === 0) {
    out('    (no rows)');
    return;
  }
  const columns = Object.keys(rows[0]);
  const text = rows.map((row) => columns.map((c) => (row[c] instanceof Date ? (row[c] as Date).toISOString() : String(row[c] ?? 'null'))));
  const widths = columns.map((c, i) => Math.max(c.length, ...text.map((r) => r[i].length)));
  out(`    ${columns.map((c, i) => c.padEnd(widths[i])).join('  ')}`);
  out(`    ${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const r of text) out(`    ${r.map((v, i) => v.padEnd(widths[i])).join('  ')}`);
}

interface Check { what: string; expected: string; actual: string; ok: boolean }
const checks: Check[] = [];
function check(what: string, expected: string, actual: string | undefined, ok = expected === actual): void {
  checks.push({ what, expected, actual: actual ?? '(nothing on the topic)', ok: ok && actual !== undefined });
}
const sameAmount = (expected: string, actual: Big | undefined) => actual !== undefined && actual.eq(expected);

// ------------------------------------------------------------------------------------------------ the platform

/** The log the demo keeps out of the finance view: broker client and runtime messages, one JSON line each. */
class DemoLog implements WorkerLogger {
  readonly path: string;
  private readonly stream;
  lines = 0;
  constructor(run: string) {
    this.path = join(tmpdir(), `billing-demo-${run}.log`);
    this.stream = createWriteStream(this.path, { flags: 'a' });
  }
  write(level: string, message: string, fields?: object): void {
    this.lines += 1;
    this.stream.write(`${JSON.stringify({ at: new Date().toISOString(), level, message, ...fields })}\n`);
  }
  info(message: string, fields?: object): void { this.write('info', message, fields); }
  warn(message: string, fields?: object): void { this.write('warn', message, fields); }
  error(message: string, fields?: object): void { this.write('error', message, fields); }
  close(): Promise<void> { return new Promise((resolve) => this.stream.end(resolve)); }
}

/** The platform is not reachable, or the user stopped the demo: a message for the user, no stack trace. */
class DemoSetupError extends Error {}

const KAFKAJS_LEVELS: Record<number, string> = { [logLevel.ERROR]: 'error', [logLevel.WARN]: 'warn', [logLevel.INFO]: 'info', [logLevel.DEBUG]: 'debug' };

type AnyDefinition = ServiceDefinition<unknown, unknown, unknown>;

interface RunningService {
  readonly name: string;
  readonly definition: AnyDefinition;
  readonly dataSource: DataSource;
  readonly runtime: ServiceRuntime<unknown, unknown, unknown>;
  readonly projectionDefinitions: ProjectionDefinition[];
  readonly projections: ProjectionRunner[];
}

/** The four services wired together on one set of fresh topics, as they run in production on the declared ones. */
class DemoPlatform {
  readonly codec = new AvroCodec(schemaRegistryFromEnv());
  readonly prefix: string;
  readonly topics;
  readonly services: RunningService[] = [];
  readonly kafka: Kafka;
  clock!: PlatformClock;
  usage!: UsageProducer;
  platformNow = new Date(DEAL_CLOSED_AT);
  private producer!: Producer;
  private fatal: Error | undefined;
  private createdTopics: string[] = [];

  constructor(readonly run: string, readonly log: DemoLog) {
    this.prefix = `demo_${run}`;
    this.topics = {
      contracts: prefixedContractsTopics(this.prefix),
      entitlements: prefixedEntitlementsTopics(this.prefix),
      metering: prefixedMeteringTopics(this.prefix),
      rating: prefixedRatingTopics(this.prefix),
    };
    this.kafka = new Kafka({
      ...kafkaConfigFromEnv(`billing-demo-${run}`),
      logLevel: logLevel.WARN,
      logCreator: () => ({ namespace, level, log: entry }) => {
        const { message, ...fields } = entry;
        this.log.write(KAFKAJS_LEVELS[level] ?? String(level), `kafkajs ${namespace ?? ''}: ${message}`, fields);
      },
    });
  }

  serviceName(service: string): string {
    return `${service}_${this.prefix}`;
  }

  /** Every topic the services touch, `<prefix>.<declared>`, with its declared partitions and cleanup policy. */
  private topicDeclarations(): TopicDeclaration[] {
    const declared = new Map(loadTopicDeclarations().map((d) => [d.name, d]));
    const names = new Set(Object.values(this.topics).flatMap((t) => Object.values(t) as string[]));
    return [...names].sort().map((name) => {
      const declaration = declared.get(name.slice(this.prefix.length + 1));
      if (!declaration) throw new Error(`${name}: no declaration in schemas/topics.json`);
      return { ...declaration, name, description: `demo run ${this.run}: ${declaration.description}` };
    });
  }

  /** Fails fast, with what to do, when the broker or the database is not there (instead of minutes of client retries). */
  private async preflight(): Promise<void> {
    const config = kafkaConfigFromEnv(`billing-demo-${this.run}-preflight`);
    const admin = new Kafka({ ...config, logLevel: logLevel.NOTHING, connectionTimeout: 5_000, retry: { retries: 1 } }).admin();
    try {
      await admin.connect();
      await admin.describeCluster();
    } catch (error) {
      throw new DemoSetupError(`cannot reach Kafka at ${config.brokers} (${(error as Error).message}). `
        + 'Start the local stack (bash deploy/local/stack.sh up), or unset KAFKA_BROKERS and DATABASE_URL and let npm run demo start it.');
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    const database = new DataSource({ type: 'postgres', url: databaseUrlFromEnv(), logging: false, connectTimeoutMS: 5_000 });
    try {
      await database.initialize();
    } catch (error) {
      const where = databaseUrlFromEnv().replace(/\/\/[^@/]*@/, '//');
      throw new DemoSetupError(`cannot open PostgreSQL at ${where} (${(error as Error).message}). `
        + 'Start the local stack (bash deploy/local/stack.sh up) or set DATABASE_URL.');
    } finally {
      if (database.isInitialized) await database.destroy();
    }
  }

  async start(): Promise<void> {
    await this.preflight();
    const declarations = this.topicDeclarations();
    await ensureTopics(this.kafka, declarations);
    this.createdTopics = declarations.map((d) => d.name);
    const { contracts, entitlements, metering, rating } = this.topics;
    const wiring: [string, (name: string) => AnyDefinition, (name: string) => ProjectionDefinition[]][] = [
      ['contracts', (name) => contractsServiceDefinition(this.codec, { name, topics: contracts }) as unknown as AnyDefinition,
        (name) => [contractTermsProjection(this.codec, name, contracts.events)]],
      ['entitlements', (name) => entitlementsServiceDefinition(this.codec, { name, topics: entitlements }) as unknown as AnyDefinition, () => []],
      ['metering', (name) => meteringServiceDefinition(this.codec, { name, topics: metering, kafka: this.kafka }) as unknown as AnyDefinition,
        (name) => [meteringAggregatesProjection(this.codec, name, metering.events)]],
      ['rating', (name) => ratingServiceDefinition(this.codec, { name, topics: rating }) as unknown as AnyDefinition,
        (name) => [ratingChargesProjection(this.codec, name, rating.events)]],
    ];
    for (const [service, definitionFor, projectionsFor] of wiring) {
      const name = this.serviceName(service);
      const dataSource = await openServiceDatabase(name);
      const definition = definitionFor(name);
      const runtime = new ServiceRuntime(definition, {
        kafka: this.kafka, dataSource, logger: this.log,
        // An invariant broke: the books would be wrong from here, so the demo stops (after cleaning up).
        onFatal: (error) => { this.fatal ??= new Error(`${service}: invariant violated: ${error.message}`); },
      });
      const projectionDefinitions = projectionsFor(name);
      const projections = projectionDefinitions.map((projection) => new ProjectionRunner(this.kafka, dataSource, projection));
      this.services.push({ name: service, definition, dataSource, runtime, projectionDefinitions, projections });
    }
    this.clock = new PlatformClock(this.kafka, this.codec, `demo-${this.run}`, metering.clock);
    this.usage = UsageProducer.create(this.kafka, { codec: this.codec, topic: metering.usage, clock: () => this.platformNow });
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await Promise.all([this.clock.connect(), this.usage.connect(), this.producer.connect()]);
    await Promise.all(this.services.flatMap((s) => [s.runtime.start(), ...s.projections.map((p) => p.start())]));
    await Promise.all(this.services.map((s) => s.runtime.waitUntilReady(SETTLE_TIMEOUT_MS)));
  }

  service(name: string): RunningService {
    const found = this.services.find((s) => s.name === name);
    if (!found) throw new Error(`no service ${name}`);
    return found;
  }

  private async guarded(step: Promise<void>): Promise<void> {
    await step;
    if (this.fatal) throw this.fatal;
  }

  /** Every service has processed everything on its inputs, in pipeline order (contracts, metering, then its readers). */
  async settle(): Promise<void> {
    await this.guarded(this.service('contracts').runtime.waitUntilCaughtUp(SETTLE_TIMEOUT_MS));
    await this.guarded(this.service('metering').runtime.waitUntilCaughtUp(SETTLE_TIMEOUT_MS));
    await this.guarded(Promise.all([
      this.service('entitlements').runtime.waitUntilCaughtUp(SETTLE_TIMEOUT_MS),
      this.service('rating').runtime.waitUntilCaughtUp(SETTLE_TIMEOUT_MS),
    ]).then(() => undefined));
  }

  async settleProjections(): Promise<void> {
    await Promise.all(this.services.flatMap((s) => s.projections.map((p) => p.waitUntilCaughtUp(SETTLE_TIMEOUT_MS))));
  }

  async advanceTo(at: string): Promise<void> {
    if (interrupted) throw new DemoSetupError(`interrupted at platform time ${this.platformNow.toISOString()}`);
    await this.clock.advanceTo(at);
    this.platformNow = new Date(at);
    await this.settle();
  }

  /** What the CRM connector does on closed-won: one Avro record on crm.deals.v1, keyed by the customer. */
  async publishDeal(): Promise<void> {
    const event = closedWon({ eventId: 'sf-evt-acme-1', customerId: ACME.customerId, occurredAt: DEAL_CLOSED_AT, dealId: ACME.dealId, deal: acmeCrmDeal() });
    await this.producer.send({ topic: this.topics.contracts.deals, acks: -1, messages: [{ key: ACME.customerId, value: await encodeCrmDealEvent(this.codec, event) }] });
  }

  /** A service's own events, decoded by its own event codec (the declared schema, whatever topic the run uses). */
  async eventsOf<E>(service: string): Promise<E[]> {
    const { definition } = this.service(service);
    const records = await readTopic(this.kafka, definition.eventTopic);
    // One customer lives on one partition: offset order within it is the order of its events.
    records.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
    return Promise.all(records.map((m) => definition.eventCodec.decode(m.value!) as Promise<E>));
  }

  async deadLettersOf(service: string): Promise<DeadLetter[]> {
    const { definition } = this.service(service);
    const codec: RecordCodec<DeadLetter> = definition.deadLetterCodec;
    return Promise.all((await readTopic(this.kafka, definition.deadLetterTopic)).map((m) => codec.decode(m.value!)));
  }

  async query<T>(service: string, sql: string, parameters: unknown[] = []): Promise<T[]> {
    return this.service(service).dataSource.query(sql.replaceAll('$schema', `"${schemaNameFor(this.serviceName(service))}"`), parameters);
  }

  /** Stops everything this run started; unless kept, drops its schemas, deletes its topics and consumer groups. */
  async shutdown(keep: boolean): Promise<void> {
    const attempt = async (what: string, step: () => Promise<unknown> | undefined) => {
      try {
        await step();
      } catch (error) {
        this.log.error(`shutdown: ${what} failed`, { error: String(error) });
      }
    };
    for (const s of this.services) for (const p of s.projections) await attempt(`stop ${s.name} projection`, () => p.stop());
    await Promise.all(this.services.map((s) => attempt(`stop ${s.name}`, () => s.runtime.stop())));
    await attempt('disconnect clock', () => this.clock?.disconnect());
    await attempt('disconnect usage producer', () => this.usage?.disconnect());
    await attempt('disconnect producer', () => this.producer?.disconnect());
    for (const s of this.services) {
      if (!keep) await attempt(`drop schema of ${s.name}`, () => s.dataSource.query(`DROP SCHEMA IF EXISTS "${schemaNameFor(this.serviceName(s.name))}" CASCADE`));
      await attempt(`close ${s.name} database`, () => s.dataSource.destroy());
    }
    if (keep || this.createdTopics.length === 0) return;
    const admin = this.kafka.admin();
    await attempt('connect admin', () => admin.connect());
    await attempt('delete topics', () => admin.deleteTopics({ topics: this.createdTopics, timeout: 30_000 }));
    // The runtime's group is the service name; a projection's is `<service>.projection.<name>` (ProjectionRunner).
    const groups = this.services.flatMap((s) => [s.definition.name, ...s.projectionDefinitions.map((p) => `${p.service}.projection.${p.name}`)]);
    await attempt('delete consumer groups', () => admin.deleteGroups(groups));
    await attempt('disconnect admin', () => admin.disconnect());
  }
}

// ------------------------------------------------------------------------------------------------------ the demo

async function play(platform: DemoPlatform): Promise<Usage[]> {
  heading('Scenario A: Acme Bank, January to March 2026 (platform time)');
  await platform.publishDeal();
  out(`  ${DEAL_CLOSED_AT.slice(0, 10)}  CRM connector: deal ${ACME.dealId} closed-won -> ${platform.topics.contracts.deals} (Avro)`);
  await platform.advanceTo(DEAL_CLOSED_AT);
  const sent: Usage[] = [];
  for (const [periodId, windows] of USAGE_BY_MONTH) {
    for (const [index, window] of windows.entries()) {
      // Usage arrives as it happens: the clock reaches the window's end, then the product's events for it land.
      await platform.advanceTo(window.until);
      const usages = usageSpread(ACME.customerId, `acme-${periodId}-w${index + 1}`, 'tokens', window.tokens, window.events, window.from, window.until, USAGE_SWING_TOKENS);
      await platform.usage.sendBatch(usages);
      await platform.settle();
      sent.push(...usages);
      out(`  ${window.until.slice(0, 10)}  product: ${String(usages.length).padStart(3)} usage events, ${grouped(window.tokens.toString()).padStart(9)} tokens `
        + `(${window.from.slice(0, 10)} .. ${new Date(Date.parse(window.until) - 1).toISOString().slice(0, 10)})`);
    }
    const close = `${windows[windows.length - 1].until.slice(0, 10)}${AFTER_GRACE}`;
    await platform.advanceTo(close);
    out(`  ${close.slice(0, 16).replace('T', ' ')}  platform clock: ${periodId} closed after its grace hour${periodId === '2026-03' ? '; Q1 ends' : ''}`);
  }
  await platform.settleProjections();
  return sent;
}

/** The usage event holding the n-th token, counted from what the product sent (independently of the services). */
function holderOfToken(usages: readonly Usage[], n: Big): Usage | undefined {
  let total = new Big(0);
  for (const usage of usages) {
    total = total.plus(usage.quantity);
    if (total.gte(n)) return usage;
  }
  return undefined;
}

async function report(platform: DemoPlatform, sent: Usage[]): Promise<void> {
  // ---- the contract
  heading(`Contract (${platform.topics.contracts.events})`);
  const contractEvents = await platform.eventsOf<ContractEvent>('contracts');
  const created = contractEvents.find((e): e is ContractCreated => e.type === 'ContractCreated' && e.customerId === ACME.customerId);
  if (created) {
    const t = created.terms;
    out(`  customer        ${t.customer.legalName} (${t.customer.customerId}), tax jurisdiction ${t.customer.taxJurisdiction}${t.customer.taxExempt ? ', tax exempt' : ''}`);
    out(`  contract        ${created.contractId} v${created.version}, from CRM deal ${created.dealId} (${created.crmSource})`);
    out(`  seller entity   ${t.sellerEntity}        currency ${t.currency}`);
    out(`  term            ${t.termMonths} months, ${created.effectiveDate} to ${created.endDate} (exclusive), billed ${t.billingCadence.toLowerCase()}, Net ${t.paymentTermsDays}`);
    out(`  PO number       ${t.purchaseOrderNumber ?? '(none)'}`);
    for (const line of t.priceLines) {
      if (line.kind === 'recurring_fee') {
        out(`  price line      ${line.description}: ${amount(line.amountPerPeriod, t.currency)} ${t.currency} per ${line.period.toLowerCase()}, ${line.billingTiming.replace('_', ' ')}`);
      } else if (line.kind === 'usage') {
        const pricing = line.pricingModel.model === 'per_unit'
          ? `${line.pricingModel.unitPrice.toFixed()} ${t.currency} per ${grouped(line.pricingModel.unitQuantity)} ${line.meterCode}` : line.pricingModel.model;
        const discounts = line.discounts.map((d) => ('percent' in d ? `${d.percent.toFixed()}% off ${d.kind.replaceAll('_', ' ')}` : d.kind)).join(', ');
        out(`  price line      ${line.description} (meter ${line.meterCode}, ${line.aggregation}): ${grouped(line.includedUnitsPerMonth)} included per month, then ${pricing}`
          + `${discounts ? ` (${discounts})` : ''}; commit ${line.commit.scope.replace('_', ' ')}${line.commit.trueUp ? ' with true-up' : ''}`);
      } else {
        out(`  price line      ${line.description}: ${line.seats} seats`);
      }
    }
  } else {
    out('  (no ContractCreated for Acme on the topic)');
  }
  check('contract: customer', EXPECTED.customerId, created?.customerId);
  check('contract: seller entity', EXPECTED.sellerEntity, created?.terms.sellerEntity);
  check('contract: currency', EXPECTED.currency, created?.terms.currency);
  check('contract: payment terms (days)', String(EXPECTED.paymentTermsDays), created && String(created.terms.paymentTermsDays));
  check('contract: PO number', EXPECTED.purchaseOrderNumber, created?.terms.purchaseOrderNumber ?? undefined);

  // ---- entitlements
  heading(`Entitlements: the tokens allowance (${platform.topics.entitlements.events})`);
  const entitlementEvents = (await platform.eventsOf<EntitlementEvent>('entitlements')).filter((e) => 'featureCode' in e && e.featureCode === 'tokens');
  const thresholds = entitlementEvents.filter((e): e is ThresholdReached => e.type === 'ThresholdReached');
  const exhausted = entitlementEvents.filter((e): e is AllowanceExhausted => e.type === 'AllowanceExhausted');
  const rolledOver = entitlementEvents.filter((e): e is PeriodRolledOver => e.type === 'PeriodRolledOver');
  const milestones: [at: string, line: string][] = [
    ...[...thresholds, ...exhausted].map((e): [string, string] => [e.eventTime,
      `${e.type === 'ThresholdReached' ? `${String(e.percent).padStart(3)}% used  ` : 'EXHAUSTED  '}  ${grouped(e.consumedUnits).padStart(10)} of `
      + `${grouped(e.includedUnits)} tokens (month from ${e.periodStart}), at usage event ${e.usageEventId} of ${e.eventTime.slice(0, 19).replace('T', ' ')}`]),
    ...rolledOver.map((e): [string, string] => [e.at,
      `new month    ${e.closedPeriodStart.slice(0, 7)} closed at ${grouped(e.closedConsumedUnits)} tokens; ${grouped(e.includedUnits)} included from ${e.periodStart}`]),
  ];
  for (const [at, line] of milestones.sort((a, b) => a[0].localeCompare(b[0]))) out(`  ${at.slice(0, 10)}  ${line}`);
  const fifty = thresholds.find((e) => e.percent === 50 && e.periodStart.startsWith('2026-01'));
  const januaryExhausted = exhausted.find((e) => e.periodStart.startsWith('2026-01'));
  const tokenHolder = holderOfToken(sent.filter((u) => String(u.eventTime) < '2026-02'), INCLUDED_TOKENS_PER_MONTH);
  check('entitlements: 50% of January\'s tokens consumed on', EXPECTED.fiftyPercentOn, fifty?.eventTime.slice(0, 10));
  check('entitlements: January\'s allowance exhausted on', EXPECTED.exhaustedOn, januaryExhausted?.eventTime.slice(0, 10));
  check('entitlements: exhausted by the event holding the 10,000,000th token', tokenHolder?.eventId ?? '?', januaryExhausted?.usageEventId);
  check('entitlements: exhausted once in January', '1', String(exhausted.filter((e) => e.periodStart.startsWith('2026-01')).length));

  // ---- metering and rating, month by month
  heading(`Usage and rated overage per month (${platform.topics.metering.events}, ${platform.topics.rating.events})`);
  const meteringEvents = await platform.eventsOf<MeteringEvent>('metering');
  const ratingEvents = await platform.eventsOf<RatingEvent>('rating');
  const closes = meteringEvents.filter((e): e is PeriodClosed => e.type === 'PeriodClosed' && e.customerId === ACME.customerId);
  const rated = ratingEvents.filter((e): e is PeriodRated => e.type === 'PeriodRated' && e.customerId === ACME.customerId);
  out('    period   events    tokens used   included      billable      overage (USD)   rated at');
  for (const periodId of Object.keys(EXPECTED.tokensByPeriod)) {
    const close = closes.find((e) => e.periodId === periodId);
    const tokens = close?.aggregates.find((a) => a.meterCode === 'tokens');
    const rating = rated.find((e) => e.periodId === periodId);
    const line = rating?.lines.find((l) => l.meterCode === 'tokens');
    out(`    ${periodId}  ${String(tokens?.count ?? '-').padStart(6)}  ${grouped(tokens?.sum ?? '-').padStart(13)}  ${grouped(line?.includedUnits ?? '-').padStart(12)}  `
      + `${grouped(line?.billableUnits ?? '-').padStart(12)}  ${(rating ? amount(rating.amount, rating.currency) : '-').padStart(13)}   ${rating?.ratedAt ?? '-'}`);
    const sentTokens = sent.filter((u) => String(u.eventTime).startsWith(periodId)).reduce((s, u) => s.plus(u.quantity), new Big(0));
    check(`metering: ${periodId} tokens (sent by the product: ${grouped(sentTokens)})`, EXPECTED.tokensByPeriod[periodId], tokens?.sum.toFixed(), !!tokens && tokens.sum.eq(sentTokens) && tokens.sum.eq(EXPECTED.tokensByPeriod[periodId]));
    check(`rating: ${periodId} overage`, EXPECTED.overageByPeriod[periodId], rating?.amount.toFixed(), sameAmount(EXPECTED.overageByPeriod[periodId], rating?.amount));
  }
  // Real time: January accrues nothing until the allowance runs out, then the overage price applies from that event on.
  const januaryRated = ratingEvents.filter((e): e is UsageRated => e.type === 'UsageRated' && e.periodId === '2026-01');
  const firstPriced = januaryRated.find((e) => e.amount.gt(0));
  if (firstPriced) {
    out(`\n  Real time: January's first charged usage is ${firstPriced.usageEventId} of ${firstPriced.eventTime.slice(0, 19).replace('T', ' ')}`
      + `${firstPriced.usageEventId === januaryExhausted?.usageEventId ? ', the one that exhausted the allowance' : ''}`);
    out(`  (${amount(firstPriced.amount, firstPriced.currency)} USD for the tokens in it beyond the allowance);`);
    out(`  the running accrual reached ${amount(januaryRated[januaryRated.length - 1].accruedAmount, firstPriced.currency)} USD with January's last event, before the month closed.`);
  }
  check('rating: January priced at overage from the exhausting event on', januaryExhausted?.usageEventId ?? '?', firstPriced?.usageEventId);

  // ---- the quarter
  heading('Q1 true-up (pooled quarterly commit)');
  const trueUps = ratingEvents.filter((e): e is TrueUpCalculated => e.type === 'TrueUpCalculated' && e.customerId === ACME.customerId);
  for (const trueUp of trueUps) {
    for (const line of trueUp.lines) {
      out(`  ${trueUp.periodIds.join(' + ')}: pooled usage ${grouped(line.pooledUnits)} tokens against ${grouped(line.pooledIncludedUnits)} included`);
      out(`    the quarter owes (pooled rating)      ${amount(line.pooledAmount, trueUp.currency).padStart(8)} ${trueUp.currency}`);
      out(`    rated month by month so far           ${amount(line.chargedAmount, trueUp.currency).padStart(8)} ${trueUp.currency}`);
      out(`    true-up                               ${amount(line.amount, trueUp.currency).padStart(8)} ${trueUp.currency}   (negative: owed back to the customer)`);
    }
  }
  check('rating: Q1 true-up', EXPECTED.trueUp, trueUps[0]?.amount.toFixed(), trueUps.length === 1 && sameAmount(EXPECTED.trueUp, trueUps[0].amount));

  // ---- dead letters
  heading('Dead-letter topics');
  for (const service of ['contracts', 'entitlements', 'metering', 'rating']) {
    const letters = await platform.deadLettersOf(service);
    const byReason = new Map<string, number>();
    for (const l of letters) byReason.set(l.reasonCode, (byReason.get(l.reasonCode) ?? 0) + 1);
    out(`  ${platform.service(service).definition.deadLetterTopic.padEnd(34)} ${letters.length}${byReason.size ? `  (${[...byReason].map(([r, n]) => `${r}: ${n}`).join(', ')})` : ''}`);
    check(`${service}: dead letters (scenario A sends no bad input)`, '0', String(letters.length));
  }

  // ---- projections
  heading('PostgreSQL projections (what the dashboards query)');
  const contractRows = await platform.query<Record<string, unknown>>('contracts',
    `SELECT contract_id, version, cause, customer_id, effective_from::text, effective_to::text, currency, source_partition AS "partition", source_offset AS "offset"
     FROM $schema.contract_terms_versions ORDER BY contract_id, version`);
  out(`  ${schemaNameFor(platform.serviceName('contracts'))}.contract_terms_versions`);
  table(contractRows);
  const usageRows = await platform.query<Record<string, unknown>>('metering',
    `SELECT customer_id, meter_code, period_id, usage_sum::text AS usage_sum, usage_count, usage_max::text AS usage_max, late_sum::text AS late_sum,
            closed_at, source_partition AS "partition", source_offset AS "offset"
     FROM $schema.usage_period_aggregates ORDER BY customer_id, meter_code, period_id`);
  out(`\n  ${schemaNameFor(platform.serviceName('metering'))}.usage_period_aggregates`);
  table(usageRows);
  const chargeRows = await platform.query<Record<string, string>>('rating',
    `SELECT customer_id, period_id, price_line_id, currency, accrued_amount::text AS accrued_amount, final_units::text AS final_units,
            final_amount::text AS final_amount, late_amount::text AS late_amount, source_partition AS "partition", source_offset AS "offset"
     FROM $schema.accrued_charges ORDER BY customer_id, period_id, price_line_id`);
  out(`\n  ${schemaNameFor(platform.serviceName('rating'))}.accrued_charges`);
  table(chargeRows);
  const trueUpRows = await platform.query<Record<string, string>>('rating',
    `SELECT customer_id, pool_id, price_line_id, pooled_units::text AS pooled_units, pooled_amount::text AS pooled_amount,
            charged_amount::text AS charged_amount, true_up_amount::text AS true_up_amount, source_partition AS "partition", source_offset AS "offset"
     FROM $schema.true_ups ORDER BY customer_id, pool_id`);
  out(`\n  ${schemaNameFor(platform.serviceName('rating'))}.true_ups`);
  table(trueUpRows);
  for (const periodId of Object.keys(EXPECTED.overageByPeriod)) {
    const row = chargeRows.find((r) => r.period_id === periodId);
    check(`projection accrued_charges: ${periodId} final amount`, EXPECTED.overageByPeriod[periodId], row?.final_amount,
      row !== undefined && new Big(row.final_amount).eq(EXPECTED.overageByPeriod[periodId]));
  }
  check('projection true_ups: Q1', EXPECTED.trueUp, trueUpRows[0]?.true_up_amount, trueUpRows.length === 1 && new Big(trueUpRows[0].true_up_amount).eq(EXPECTED.trueUp));
}

function notBuiltYet(): void {
  heading('Not built yet: the rest of scenario A');
  const status = (service: string) => (existsSync(join(__dirname, '..', 'services', service, 'src', 'app', 'definition.ts'))
    ? 'exists but is not wired into this demo yet' : 'service not written yet');
  out('  The figures below are ACCEPTANCE.md\'s targets, quoted so you know what comes next. This run computed none of them.');
  out(`  - invoicing (${status('invoicing')}): the monthly invoices with the 50,000.00 platform fee, the overage lines above`);
  out('    and NYC sales tax 8.875%; ACCEPTANCE expects totals 54,447.95 (Jan), 54,437.50 (Feb), 54,444.47 (Mar), due Net 60 with');
  out('    PO-ACME-7781, and the Q1 credit note for the -6.40 true-up plus its tax.');
  out(`  - payments (${status('payments')}): matching the ACH credit of 54,447.95 on 2026-03-30 to the January invoice.`);
  out(`  - revenue (${status('revenue')}): recognition (Q1 150,009.60 expected) and the balanced journals for the ERP.`);
}

async function main(): Promise<number> {
  const startedMs = Date.now();
  const run = runId();
  const log = new DemoLog(run);
  const platform = new DemoPlatform(run, log);
  let failure: unknown;
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write('\ninterrupted: stopping the services and cleaning up (Ctrl-C again to quit at once)\n');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  out(`Billing platform demo, run ${run}`);
  out(`  broker ${process.env.KAFKA_BROKERS ?? '127.0.0.1:9092'}, topics ${platform.prefix}.*, PostgreSQL schemas *_${platform.prefix}`);
  out('  services in this process: contracts, entitlements, metering, rating (their ServiceRuntime, projections included)');
  try {
    await platform.start();
    out(`  ready in ${((Date.now() - startedMs) / 1000).toFixed(1)} s`);
    const sent = await play(platform);
    await report(platform, sent);
    notBuiltYet();
  } catch (error) {
    failure = error;
  }

  if (checks.length > 0) heading('Checks against ACCEPTANCE.md scenario A');
  for (const c of checks) out(`  ${c.ok ? 'ok  ' : 'FAIL'}  ${c.what}: ${c.ok ? c.actual : `expected ${c.expected}, the platform computed ${c.actual}`}`);
  const failed = checks.filter((c) => !c.ok);

  await platform.shutdown(KEEP);
  await log.close();
  const seconds = ((Date.now() - startedMs) / 1000).toFixed(1);
  out();
  if (platform.services.length === 0) {
    out('Nothing was started.');
  } else if (KEEP) {
    out(`Kept for inspection: topics ${platform.prefix}.* and PostgreSQL schemas ${platform.services.map((s) => schemaNameFor(platform.serviceName(s.name))).join(', ')}`);
    out(`  e.g. psql "$DATABASE_URL" -c 'SELECT * FROM ${schemaNameFor(platform.serviceName('rating'))}.accrued_charges'`);
    out('  They stay until you remove them (DROP SCHEMA <name> CASCADE; delete the topics with your Kafka tooling).');
  } else {
    out(`Cleaned up: services stopped, demo topics, consumer groups and schemas deleted (pass --keep to inspect them).`);
  }
  if (failure instanceof DemoSetupError) {
    process.stderr.write(`\nDEMO FAILED: ${failure.message}\n`);
    return 2;
  }
  if (failure !== undefined) {
    process.stderr.write(`\nDEMO FAILED: ${failure instanceof Error ? failure.stack ?? failure.message : String(failure)}\n`);
    process.stderr.write(`Broker client and service log: ${log.path}\n`);
    return 2;
  }
  if (failed.length > 0) {
    process.stderr.write(`\nDEMO FAILED: ${failed.length} figure(s) differ from ACCEPTANCE.md scenario A:\n`);
    for (const c of failed) process.stderr.write(`  - ${c.what}: expected ${c.expected}, the platform computed ${c.actual}\n`);
    process.stderr.write(`Broker client and service log: ${log.path}\n`);
    return 1;
  }
  out(`All ${checks.length} checks match ACCEPTANCE.md scenario A. Done in ${seconds} s (log: ${log.path}).`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`DEMO FAILED: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(2);
  },
);
