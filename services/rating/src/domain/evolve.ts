import { invariant, listWith, UnknownEvent, type GrowingList } from '@billing/eventsourcing';
import { Big } from '@billing/money';
import type { ContractTermsNoted, LateUsageRated, PeriodRated, RatingEvent, TrueUpCalculated, UsageHeld, UsageRated } from './events';
import { emptyLineUsage, segmentKey, withLineUsage } from './line-usage';
import { trueUpKey, type CreditBalance, type HeldUsage, type RatedContract, type RatedLine, type RatedPeriod, type RatingConfig, type RatingState } from './state';

// evolve never changes the state it is given: each step returns new objects along the path it changes (customer ->
// contract -> period -> line) and shares the rest. Unique values and held usage grow append-only (O(1) per event,
// see @billing/eventsourcing append-only), never copied.

type Rating = Extract<RatingState, { status: 'rating' }>;

function mapWith<K, V>(map: ReadonlyMap<K, V>, key: K, value: V): Map<K, V> {
  return new Map(map).set(key, value);
}

function mapWithout<K, V>(map: ReadonlyMap<K, V>, key: K): Map<K, V> {
  const copy = new Map(map);
  copy.delete(key);
  return copy;
}

function creditsGranted(previous: ReadonlyMap<string, CreditBalance>, event: ContractTermsNoted): ReadonlyMap<string, CreditBalance> {
  const fresh = event.prepaidCredits.filter((credit) => !previous.has(credit.creditId)); // granted once, whatever later versions repeat
  if (fresh.length === 0) return previous;
  const credits = new Map(previous);
  for (const credit of fresh) {
    if (credits.has(credit.creditId)) continue;
    credits.set(credit.creditId, {
      creditId: credit.creditId,
      meterCode: credit.meterCode,
      validFromMs: Date.parse(credit.validFrom),
      expiresOnMs: Date.parse(credit.expiresOn),
      priority: credit.priority,
      remainingUnits: credit.units,
    });
  }
  return credits;
}

function notedContract(previous: RatedContract | undefined, event: ContractTermsNoted): RatedContract {
  const versions = [
    ...(previous?.versions ?? []),
    { termsVersion: event.termsVersion, effectiveFromMs: Date.parse(event.effectiveFrom), usagePriceLines: event.usagePriceLines, prepaidCredits: event.prepaidCredits },
  ].sort((a, b) => a.effectiveFromMs - b.effectiveFromMs || a.termsVersion - b.termsVersion);
  return {
    contractId: event.contractId,
    currency: event.currency,
    startDate: event.startDate,
    startMs: Date.parse(event.startDate),
    endMs: event.endDate === null ? Number.POSITIVE_INFINITY : Date.parse(event.endDate),
    billingPeriodAlignment: event.billingPeriodAlignment,
    versions,
    closedThroughMs: previous?.closedThroughMs ?? null,
    periods: previous?.periods ?? new Map(),
    credits: creditsGranted(previous?.credits ?? new Map(), event),
    trueUps: previous?.trueUps ?? new Map(),
  };
}

function periodOf(contract: RatedContract, event: { periodId: string; periodStart: string; periodEnd: string }): RatedPeriod {
  return (
    contract.periods.get(event.periodId) ?? {
      period: { periodId: event.periodId, periodStart: event.periodStart, periodEnd: event.periodEnd },
      status: 'open',
      lines: new Map(),
    }
  );
}

function lineOf(period: RatedPeriod, priceLineId: string): RatedLine {
  return period.lines.get(priceLineId) ?? { usage: emptyLineUsage(), amount: new Big('0'), creditUnits: new Big('0') };
}

function ratingOf(state: RatingState, contractId: string): Rating {
  invariant(state.status === 'rating', `rating event for contract ${contractId} before any terms`);
  return state;
}

function contractOf(state: Rating, contractId: string): RatedContract {
  const contract = state.contracts.get(contractId);
  invariant(contract !== undefined, `rating event for unknown contract ${contractId}`);
  return contract;
}

function withContract(state: Rating, contract: RatedContract): Rating {
  return { ...state, contracts: mapWith(state.contracts, contract.contractId, contract) };
}

function withPeriod(contract: RatedContract, period: RatedPeriod): RatedContract {
  return { ...contract, periods: mapWith(contract.periods, period.period.periodId, period) };
}

function rateUsage(state: RatingState, event: UsageRated | LateUsageRated): Rating {
  const rating = ratingOf(state, event.contractId);
  const contract = contractOf(rating, event.contractId);
  const period = periodOf(contract, event);
  const line = lineOf(period, event.priceLineId);
  const usage = withLineUsage(line.usage, {
    quantity: event.quantity,
    eventTimeMs: Date.parse(event.eventTime),
    eventId: event.usageEventId,
    rampKey: segmentKey(event.pricedFrom, event.rampEffectiveFrom),
    aggregationValue: event.aggregationValue,
  });
  const amount = event.type === 'UsageRated' ? event.accruedAmount : event.reratedAmount;
  const rated: RatedPeriod = { ...period, lines: mapWith(period.lines, event.priceLineId, { ...line, usage, amount }) };
  return withContract(rating, withPeriod(contract, rated));
}

/** Draws the period's credit units from the contract's credits. */
function creditsAfter(contract: RatedContract, event: PeriodRated): ReadonlyMap<string, CreditBalance> {
  const drawn = event.lines.flatMap((line) => line.creditsApplied);
  if (drawn.length === 0) return contract.credits;
  const credits = new Map(contract.credits);
  for (const { creditId, units } of drawn) {
    const credit = credits.get(creditId);
    invariant(credit !== undefined, `period ${event.periodId} drew unknown credit ${creditId}`);
    const remainingUnits = credit.remainingUnits.minus(units);
    invariant(remainingUnits.gte(0), `credit ${creditId} drawn below zero`);
    credits.set(creditId, { ...credit, remainingUnits });
  }
  return credits;
}

function ratePeriod(state: RatingState, event: PeriodRated, config: RatingConfig): Rating {
  const rating = ratingOf(state, event.contractId);
  const contract = contractOf(rating, event.contractId);
  const period = periodOf(contract, event);
  const lines = new Map(period.lines);
  for (const rated of event.lines) {
    lines.set(rated.priceLineId, { ...lineOf(period, rated.priceLineId), amount: rated.amount, creditUnits: rated.creditUnitsApplied });
  }
  const periods = new Map(contract.periods).set(event.periodId, { ...period, status: 'closed', lines });
  // Usage of periods closed long ago can no longer change a rating (metering rejects it as TOO_OLD): drop it.
  const horizonMs = Date.parse(event.ratedAt) - config.closedPeriodRetentionMs;
  for (const [periodId, kept] of periods) {
    if (kept.status === 'closed' && Date.parse(kept.period.periodEnd) < horizonMs) periods.delete(periodId);
  }
  return withContract(rating, { ...contract, periods, credits: creditsAfter(contract, event), closedThroughMs: Date.parse(event.periodEnd) });
}

function trueUp(state: RatingState, event: TrueUpCalculated): Rating {
  const rating = ratingOf(state, event.contractId);
  const contract = contractOf(rating, event.contractId);
  const trueUps = new Map(contract.trueUps);
  for (const line of event.lines) {
    const key = trueUpKey(event.poolId, line.priceLineId);
    trueUps.set(key, (trueUps.get(key) ?? new Big('0')).plus(line.amount));
  }
  return withContract(rating, { ...contract, trueUps });
}

/** The command a held usage record is rated as when its contract's terms arrive. */
export function heldUsageOf(event: UsageHeld): HeldUsage {
  return {
    type: event.late ? 'LateUsageAccepted' : 'UsageAccepted',
    now: event.receivedAt,
    eventId: event.usageEventId,
    customerId: event.customerId,
    contractId: event.contractId,
    meterCode: event.meterCode,
    quantity: event.quantity,
    eventTime: event.eventTime,
    periodId: event.periodId,
    properties: event.properties,
  };
}

function ratingFor(state: RatingState, customerId: string): Rating {
  return state.status === 'rating' ? state : { status: 'rating', customerId, contracts: new Map(), held: new Map() };
}

function noteTerms(state: RatingState, event: ContractTermsNoted): Rating {
  const rating = ratingFor(state, event.customerId);
  const contracts = mapWith(rating.contracts, event.contractId, notedContract(rating.contracts.get(event.contractId), event));
  // Its held usage is released by the same decision (the rating events that follow this one).
  const held = rating.held?.has(event.contractId) ? mapWithout(rating.held, event.contractId) : rating.held;
  return { ...rating, contracts, held };
}

function holdUsage(state: RatingState, event: UsageHeld): Rating {
  const rating = ratingFor(state, event.customerId);
  const held = rating.held ?? new Map<string, GrowingList<HeldUsage>>();
  return { ...rating, held: mapWith(held, event.contractId, listWith(held.get(event.contractId) ?? [], heldUsageOf(event))) };
}

export function evolveRating(state: RatingState, event: RatingEvent, config: RatingConfig): RatingState {
  switch (event.type) {
    case 'ContractTermsNoted':
      return noteTerms(state, event);
    case 'UsageHeld':
      return holdUsage(state, event);
    case 'UsageRated':
    case 'LateUsageRated':
      return rateUsage(state, event);
    case 'PeriodRated':
      return ratePeriod(state, event, config);
    case 'ContractEndNoted': {
      const rating = ratingOf(state, event.contractId);
      return withContract(rating, { ...contractOf(rating, event.contractId), endMs: Date.parse(event.endDate) });
    }
    case 'TrueUpCalculated':
      return trueUp(state, event);
    default: {
      const unknown: never = event;
      throw new UnknownEvent(unknown);
    }
  }
}
