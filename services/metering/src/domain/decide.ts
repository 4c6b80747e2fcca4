import { invariant, setHas, setSize } from '@billing/eventsourcing';
import { Big, assertDecimalFits } from '@billing/money';
import type { ClockTicked, ContractTerminationReceived, ContractTermsReceived, MeteringCommand, UsageReceived } from './commands';
import {
  FutureTimestamp,
  InvalidEventId,
  InvalidEventTime,
  InvalidQuantity,
  InvalidTerms,
  LimitExceeded,
  NegativeQuantity,
  NoActiveContract,
  NonFiniteQuantity,
  QuantityOverflow,
  QuantityOutOfRange,
  TooOld,
  UnknownCustomer,
  UnknownMeter,
  UsageDuplicateIgnored,
} from './errors';
import type { AcceptedUsageFields, MeteringEvent, PeriodClosed } from './events';
import { billingPeriodOf, instantMs, nextBillingPeriod, type BillingPeriod } from '@billing/calendar';
import { DAY_MS, dayOf, hasSeen, type DedupWindow, newMeterAggregate, summarize, type MeteringConfig, type MeteringState, type NotedContract } from './state';

type KnownState = Extract<MeteringState, { status: 'known' }>;

const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;
const DECIMAL_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d{1,3})?$/i;
const METERS_PER_CONTRACT_MAX = 1_000;

function platformNowMs(now: string): number {
  const nowMs = instantMs(now);
  invariant(Number.isFinite(nowMs), `command time is not an ISO-8601 instant: ${now}`);
  return nowMs;
}

/** Ids that stay remembered once the watermark reaches horizonMs (buckets wholly older than the window drop). */
function liveIdCount(dedup: DedupWindow, horizonMs: number, config: MeteringConfig): number {
  const cutoffDay = dayOf(horizonMs - config.dedupWindowDays * DAY_MS);
  let live = 0;
  for (const [day, ids] of dedup.buckets) if (day >= cutoffDay) live += setSize(ids);
  return live;
}

/**
 * Limits input can reach are decided here, before any event, as rejections of this customer's usage: the dedup
 * window's ids (counted as they will be once the watermark reaches horizonMs) and the meter's unique values.
 */
function assertWithinLimits(state: KnownState, contract: NotedContract, command: UsageReceived, periodId: string, horizonMs: number, config: MeteringConfig): void {
  if (state.dedup.idCount >= config.dedupIdsMax && liveIdCount(state.dedup, horizonMs, config) >= config.dedupIdsMax) {
    throw new LimitExceeded('dedupIdsMax', state.customerId, config.dedupIdsMax, `usage ${command.eventId} in a dedup window already holding ${state.dedup.idCount} ids`);
  }
  const meter = contract.meters.get(command.meterCode);
  const value = meter?.aggregationProperty ? command.properties[meter.aggregationProperty] : undefined;
  const uniqueValues = contract.openPeriods.get(periodId)?.aggregates.get(command.meterCode)?.uniqueValues ?? null;
  if (value === undefined || uniqueValues === null || setHas(uniqueValues, value)) return;
  if (setSize(uniqueValues) >= config.uniqueValuesMax) {
    throw new LimitExceeded('uniqueValuesMax', state.customerId, config.uniqueValuesMax, `meter ${command.meterCode} in ${periodId}`);
  }
}

/** The period's sum must stay on the wire (PeriodClosed carries it as decimal(38,12)). */
function assertSumFits(state: KnownState, contract: NotedContract, command: UsageReceived, quantity: Big, periodId: string): void {
  const sum = contract.openPeriods.get(periodId)?.aggregates.get(command.meterCode)?.sum;
  if (sum === undefined || fitsWire(sum.plus(quantity))) return;
  throw new QuantityOutOfRange(state.customerId, command.meterCode, periodId, sum.plus(quantity).toFixed());
}

function fitsWire(value: Big): boolean {
  try {
    assertDecimalFits(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * How far an event time may be ahead of the platform time it is stamped with: `now` is the last clock tick, up to one
 * tick interval behind the producer's clock when the usage was sent, plus the producers' clock drift.
 */
export function futureAllowanceMs(config: MeteringConfig): number {
  return config.clockTickIntervalMs + config.futureSkewMs;
}

/** The future-timestamp rule: eventTime > now + clockTickIntervalMs + futureSkewMs. */
export function isAheadOfPlatformTime(eventTimeMs: number, nowMs: number, config: MeteringConfig): boolean {
  return eventTimeMs > nowMs + futureAllowanceMs(config);
}

/** A producer's quantity: a Big, or its decimal text. Rejections name why it is not a usable quantity. */
export function parseQuantity(raw: Big | string): Big {
  let quantity: Big;
  if (typeof raw === 'string') {
    const text = raw.trim();
    if (NON_FINITE.test(text)) throw new NonFiniteQuantity(text);
    if (text.length > 200 || !DECIMAL_TEXT.test(text)) throw new InvalidQuantity(text);
    quantity = new Big(text);
  } else {
    quantity = raw;
  }
  try {
    assertDecimalFits(quantity);
  } catch {
    throw new QuantityOverflow(quantity.toFixed());
  }
  if (quantity.lt(0)) throw new NegativeQuantity(quantity.toFixed());
  return quantity;
}

/** The contract usage at `eventTimeMs` on `meterCode` belongs to: the latest-started active contract carrying it. */
function attribute(
  contracts: ReadonlyMap<string, NotedContract>,
  command: UsageReceived,
  eventTimeMs: number,
): NotedContract {
  let active = 0;
  let chosen: NotedContract | null = null;
  for (const contract of contracts.values()) {
    if (eventTimeMs < contract.startMs || eventTimeMs >= contract.endMs) continue;
    active += 1;
    if (!contract.meters.has(command.meterCode)) continue;
    if (
      chosen === null ||
      contract.startMs > chosen.startMs ||
      (contract.startMs === chosen.startMs && contract.contractId > chosen.contractId)
    ) {
      chosen = contract;
    }
  }
  if (chosen !== null) return chosen;
  if (active === 0) throw new NoActiveContract(command.customerId, new Date(eventTimeMs).toISOString());
  throw new UnknownMeter(command.customerId, command.meterCode);
}

function decideUsage(command: UsageReceived, state: MeteringState, config: MeteringConfig): MeteringEvent[] {
  if (typeof command.eventId !== 'string' || command.eventId.length === 0 || command.eventId.length > config.eventIdLengthMax) {
    throw new InvalidEventId(config.eventIdLengthMax);
  }
  const quantity = parseQuantity(command.quantity);
  const eventTimeMs = instantMs(command.eventTime);
  if (!Number.isFinite(eventTimeMs)) throw new InvalidEventTime(command.eventTime);
  const nowMs = platformNowMs(command.now);
  const eventTime = new Date(eventTimeMs).toISOString();
  if (isAheadOfPlatformTime(eventTimeMs, nowMs, config)) throw new FutureTimestamp(eventTime, command.now, futureAllowanceMs(config));
  const windowMs = config.dedupWindowDays * DAY_MS;
  const horizonMs = Math.max(nowMs, state.status === 'known' ? state.dedup.watermarkMs : nowMs);
  if (eventTimeMs < horizonMs - windowMs) throw new TooOld(eventTime, config.dedupWindowDays);

  if (state.status === 'unknown') throw new UnknownCustomer(command.customerId);
  if (hasSeen(state.dedup, command.eventId)) throw new UsageDuplicateIgnored(command.eventId);
  const contract = attribute(state.contracts, command, eventTimeMs);
  const period = billingPeriodOf(eventTimeMs, contract.billingPeriodAlignment, contract.startDate);
  const late = contract.closedThroughMs !== null && Date.parse(period.periodEnd) <= contract.closedThroughMs;
  assertWithinLimits(state, contract, command, period.periodId, horizonMs, config);
  if (!late) assertSumFits(state, contract, command, quantity, period.periodId);
  const fields: AcceptedUsageFields = {
    eventId: command.eventId,
    customerId: state.customerId,
    contractId: contract.contractId,
    meterCode: command.meterCode,
    quantity,
    eventTime,
    receivedAt: new Date(nowMs).toISOString(),
    periodId: period.periodId,
    periodStart: period.periodStart,
    periodEnd: period.periodEnd,
    properties: { ...command.properties },
  };
  return [late ? { type: 'LateUsageAccepted', ...fields } : { type: 'UsageAccepted', ...fields }];
}

function decideTerms(command: ContractTermsReceived, state: MeteringState): MeteringEvent[] {
  const startMs = instantMs(command.startDate);
  const endMs = command.endDate === null ? Number.POSITIVE_INFINITY : instantMs(command.endDate);
  if (!Number.isFinite(startMs)) throw new InvalidTerms(command.contractId, `start date ${command.startDate} is not a date`);
  if (Number.isNaN(endMs) || endMs <= startMs) throw new InvalidTerms(command.contractId, 'end date must be after start date');
  if (!Number.isSafeInteger(command.termsVersion)) throw new InvalidTerms(command.contractId, 'terms version must be an integer');
  if (command.meters.length > METERS_PER_CONTRACT_MAX) throw new InvalidTerms(command.contractId, `more than ${METERS_PER_CONTRACT_MAX} meters`);
  for (const meter of command.meters) {
    if (meter.aggregation === 'unique_count' && !meter.aggregationProperty) {
      throw new InvalidTerms(command.contractId, `meter ${meter.meterCode} counts unique values of no property`);
    }
  }
  const noted = state.status === 'known' ? state.contracts.get(command.contractId) : undefined;
  if (noted !== undefined && noted.termsVersion >= command.termsVersion) return []; // redelivered or stale version
  return [
    {
      type: 'ContractTermsNoted',
      customerId: command.customerId,
      contractId: command.contractId,
      termsVersion: command.termsVersion,
      startDate: new Date(startMs).toISOString(),
      endDate: command.endDate === null ? null : new Date(endMs).toISOString(),
      billingPeriodAlignment: command.billingPeriodAlignment,
      meters: command.meters.map((meter) => ({ ...meter, aggregationProperty: meter.aggregationProperty ?? null })),
      notedAt: new Date(platformNowMs(command.now)).toISOString(),
    },
  ];
}

function decideTermination(command: ContractTerminationReceived, state: MeteringState): MeteringEvent[] {
  const endMs = instantMs(command.effectiveDate);
  if (!Number.isFinite(endMs)) throw new InvalidTerms(command.contractId, `termination date ${command.effectiveDate} is not a date`);
  const contract = state.status === 'known' ? state.contracts.get(command.contractId) : undefined;
  if (contract === undefined || endMs >= contract.endMs) return []; // unknown here, redelivered, or not earlier
  return [
    {
      type: 'ContractEndNoted',
      customerId: command.customerId,
      contractId: command.contractId,
      endDate: new Date(Math.max(endMs, contract.startMs)).toISOString(),
      notedAt: new Date(platformNowMs(command.now)).toISOString(),
    },
  ];
}

/**
 * The periods of a contract whose end + grace the clock has passed and that are not closed yet, in order; at most
 * periodsClosedPerTickMax of them (a clock jumping years ahead is input: the next ticks close the rest).
 */
export function periodsDue(contract: NotedContract, nowMs: number, config: MeteringConfig): BillingPeriod[] {
  const due: BillingPeriod[] = [];
  let period =
    contract.closedThroughMs === null
      ? billingPeriodOf(contract.startMs, contract.billingPeriodAlignment, contract.startDate)
      : billingPeriodOf(contract.closedThroughMs, contract.billingPeriodAlignment, contract.startDate);
  while (due.length < config.periodsClosedPerTickMax && Date.parse(period.periodEnd) + config.graceMs <= nowMs && Date.parse(period.periodStart) < contract.endMs) {
    due.push(period);
    period = nextBillingPeriod(period, contract.billingPeriodAlignment, contract.startDate);
  }
  return due;
}

function decideTick(command: ClockTicked, state: MeteringState, config: MeteringConfig): MeteringEvent[] {
  if (state.status === 'unknown') return [];
  const nowMs = platformNowMs(command.now);
  const closedAt = new Date(nowMs).toISOString();
  const events: PeriodClosed[] = [];
  for (const contract of state.contracts.values()) {
    for (const period of periodsDue(contract, nowMs, config)) {
      const open = contract.openPeriods.get(period.periodId);
      events.push({
        type: 'PeriodClosed',
        customerId: state.customerId,
        contractId: contract.contractId,
        ...period,
        closedAt,
        aggregates: [...contract.meters.values()].map((meter) =>
          summarize(meter, open?.aggregates.get(meter.meterCode) ?? newMeterAggregate(meter)),
        ),
      });
    }
  }
  return events;
}

export function decideMetering(command: MeteringCommand, state: MeteringState, config: MeteringConfig): MeteringEvent[] {
  switch (command.type) {
    case 'UsageReceived':
      return decideUsage(command, state, config);
    case 'ContractTermsReceived':
      return decideTerms(command, state);
    case 'ContractTerminationReceived':
      return decideTermination(command, state);
    case 'ClockTicked':
      return decideTick(command, state, config);
    default: {
      const unknown: never = command;
      throw new Error(`unknown command: ${JSON.stringify(unknown)}`);
    }
  }
}
