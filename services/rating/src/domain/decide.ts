import { invariant, listItems } from '@billing/eventsourcing';
import { Big, assertCurrency, fitsWire } from '@billing/money';
import type { ClockTicked, ContractTerminationReceived, ContractTermsReceived, LateUsageAccepted, RatingCommand, UsageAccepted, UsagePriceLine } from './commands';
import { isLastPeriod, periodsDue, poolOf, versionFor, type Pool } from './contract-periods';
import { AmountOutOfRange, HeldUsageLimit, InvalidTerms, LimitExceeded, PeriodNoLongerRatable } from './errors';
import { evolveRating } from './evolve';
import type { ContractTermsNoted, CreditUnitsApplied, PriceLineRating, PriceLineTrueUp, RatedUsageFields, RatingEvent, TrueUpCalculated } from './events';
import { lineSegments, mergeSegments, pricedFromOfKey, rampKeyAt, rampOfKey, wouldExceedUniqueValues, type LineUsageAddition } from './line-usage';
import { billingPeriodOf, instantMs, type BillingPeriod } from '@billing/calendar';
import { pricingProblems } from './pricing';
import { lineRatingOnWire, rateLine } from './rate-line';
import { PREPAID_CREDITS_MAX, PRICE_LINES_MAX, RAMPS_MAX, TERMS_VERSIONS_MAX, creditsFor, heldUsageCount, trueUpKey, type HeldUsage, type RatedContract, type RatingConfig, type RatingState } from './state';

const ZERO = new Big('0');

function platformNowMs(now: string): number {
  const nowMs = instantMs(now);
  invariant(Number.isFinite(nowMs), `command time is not an ISO-8601 instant: ${now}`);
  return nowMs;
}

function canonical(instant: string): string {
  return new Date(Date.parse(instant)).toISOString();
}

function termsProblems(command: ContractTermsReceived): string[] {
  const problems: string[] = [];
  const startMs = instantMs(command.startDate);
  const endMs = command.endDate === null ? Number.POSITIVE_INFINITY : instantMs(command.endDate);
  if (!Number.isFinite(startMs)) problems.push('start date is not a date');
  if (Number.isNaN(endMs) || endMs <= startMs) problems.push('end date must be after start date');
  if (!Number.isFinite(instantMs(command.effectiveFrom))) problems.push('effectiveFrom is not a date');
  if (!Number.isSafeInteger(command.termsVersion)) problems.push('terms version must be an integer');
  if (command.usagePriceLines.length > PRICE_LINES_MAX) problems.push(`more than ${PRICE_LINES_MAX} usage price lines`);
  if (command.prepaidCredits.length > PREPAID_CREDITS_MAX) problems.push(`more than ${PREPAID_CREDITS_MAX} prepaid credits`);
  const lineIds = new Set<string>();
  for (const line of command.usagePriceLines) {
    const at = `line ${line.priceLineId}`;
    if (lineIds.has(line.priceLineId)) problems.push(`${at} appears twice`);
    lineIds.add(line.priceLineId);
    if (line.aggregation === 'unique_count' && !line.aggregationProperty) problems.push(`${at} counts unique values of no property`);
    if (line.includedUnits.lt(0)) problems.push(`${at}: included units are negative`);
    if (line.overageDiscountRate.lt(0) || line.overageDiscountRate.gt(1)) problems.push(`${at}: overage discount must be within 0..1`);
    if (line.discountRate.lt(0) || line.discountRate.gt(1)) problems.push(`${at}: discount must be within 0..1`);
    if (line.fixedDiscountAmount.lt(0)) problems.push(`${at}: fixed discount is negative`);
    if (line.minimumAmount?.lt(0) || line.maximumAmount?.lt(0)) problems.push(`${at}: minimum and maximum must not be negative`);
    if (line.minimumAmount && line.maximumAmount && line.minimumAmount.gt(line.maximumAmount)) problems.push(`${at}: minimum above maximum`);
    if (line.ramps.length > RAMPS_MAX) problems.push(`${at}: more than ${RAMPS_MAX} ramps`);
    problems.push(...pricingProblems(line.pricing).map((problem) => `${at}: ${problem}`));
    let previousMs = Number.NEGATIVE_INFINITY;
    for (const ramp of line.ramps) {
      const rampMs = instantMs(ramp.effectiveFrom);
      const untilMs = ramp.effectiveUntil === null ? Number.POSITIVE_INFINITY : instantMs(ramp.effectiveUntil);
      if (!(rampMs >= previousMs) || !(untilMs > rampMs)) problems.push(`${at}: ramps must be ordered and must not overlap`);
      previousMs = untilMs;
      problems.push(...pricingProblems(ramp.pricing).map((problem) => `${at} ramp ${ramp.effectiveFrom}: ${problem}`));
    }
  }
  const creditIds = new Set<string>();
  for (const credit of command.prepaidCredits) {
    if (creditIds.has(credit.creditId) || credit.units.lt(0)) problems.push(`credit ${credit.creditId} is repeated or negative`);
    if (!(instantMs(credit.expiresOn) > instantMs(credit.validFrom))) problems.push(`credit ${credit.creditId} expires before it is valid`);
    if (!Number.isSafeInteger(credit.priority)) problems.push(`credit ${credit.creditId} priority must be an integer`);
    creditIds.add(credit.creditId);
  }
  return problems;
}

function decideTerms(command: ContractTermsReceived, state: RatingState, config: RatingConfig): RatingEvent[] {
  assertCurrency(command.currency);
  const problems = termsProblems(command);
  if (problems.length > 0) throw new InvalidTerms(command.contractId, problems);
  const noted = state.status === 'rating' ? state.contracts.get(command.contractId) : undefined;
  if (noted !== undefined && noted.versions.some((version) => version.termsVersion >= command.termsVersion)) return [];
  if (noted !== undefined && noted.versions.length >= TERMS_VERSIONS_MAX) {
    throw new LimitExceeded('termsVersionsMax', command.customerId, TERMS_VERSIONS_MAX, `contract ${command.contractId}'s terms versions`);
  }
  const termsNoted: ContractTermsNoted = {
    type: 'ContractTermsNoted',
    customerId: command.customerId,
    contractId: command.contractId,
    termsVersion: command.termsVersion,
    effectiveFrom: canonical(command.effectiveFrom),
    startDate: canonical(command.startDate),
    endDate: command.endDate === null ? null : canonical(command.endDate),
    currency: command.currency,
    billingPeriodAlignment: command.billingPeriodAlignment,
    usagePriceLines: command.usagePriceLines.map((line) => ({
      ...line,
      aggregationProperty: line.aggregationProperty ?? null,
      ramps: line.ramps.map((ramp) => ({
        ...ramp,
        effectiveFrom: canonical(ramp.effectiveFrom),
        effectiveUntil: ramp.effectiveUntil === null ? null : canonical(ramp.effectiveUntil),
      })),
    })),
    prepaidCredits: command.prepaidCredits.map((credit) => ({
      ...credit,
      validFrom: canonical(credit.validFrom),
      expiresOn: canonical(credit.expiresOn),
    })),
    notedAt: canonical(command.now),
  };
  const held = state.status === 'rating' && noted === undefined ? state.held?.get(command.contractId) : undefined;
  return held === undefined ? [termsNoted] : [termsNoted, ...releaseHeldUsage(termsNoted, listItems(held), config)];
}

/**
 * The rating events of the usage held for a contract whose terms are noted now, in the order it was held: exactly
 * what the stream would have produced had the terms come first. The contract is new, so none of its periods is closed
 * yet: usage of a period the clock has already passed is rated into it, and the next tick rates that period final
 * with it (no usage becomes late merely because its terms were late). Decided on a scratch state holding only the new
 * contract.
 */
function releaseHeldUsage(termsNoted: ContractTermsNoted, held: readonly HeldUsage[], config: RatingConfig): RatingEvent[] {
  let scratch: RatingState = { status: 'rating', customerId: termsNoted.customerId, contracts: new Map() };
  scratch = evolveRating(scratch, termsNoted, config);
  const events: RatingEvent[] = [];
  for (const usage of held) {
    const rated = decideUsage(usage, scratch, config);
    for (const event of rated) scratch = evolveRating(scratch, event, config);
    events.push(...rated);
  }
  return events;
}

/** Usage of a contract whose terms have not arrived (yet): held, up to `heldUsageMax` records per customer. */
function holdUsage(command: UsageAccepted | LateUsageAccepted, state: RatingState, config: RatingConfig): RatingEvent[] {
  // At or above (a lowered limit): a limit, never an invariant.
  if (heldUsageCount(state) >= config.heldUsageMax) throw new HeldUsageLimit(command.customerId, command.contractId, config.heldUsageMax);
  return [
    {
      type: 'UsageHeld',
      customerId: state.status === 'rating' ? state.customerId : command.customerId,
      contractId: command.contractId,
      usageEventId: command.eventId,
      meterCode: command.meterCode,
      quantity: command.quantity,
      eventTime: canonical(command.eventTime),
      periodId: command.periodId,
      properties: { ...command.properties },
      late: command.type === 'LateUsageAccepted',
      receivedAt: canonical(command.now),
      heldAt: canonical(command.now),
    },
  ];
}

function lineFor(contract: RatedContract, period: BillingPeriod, priceLineId: string): UsagePriceLine | undefined {
  return versionFor(contract, Date.parse(period.periodStart)).usagePriceLines.find((line) => line.priceLineId === priceLineId);
}

/** A line rated within the current decision (not yet in state). */
interface ClosedLine {
  readonly amount: Big;
  readonly creditUnits: Big;
}

/**
 * Re-rates a pool with its pooled allowance against what its periods were charged. `late` counts one more usage
 * record in one of its periods (rated at `lateAmount`); `chargedOverride` holds amounts rated in this very decision.
 */
function trueUpLine(
  contract: RatedContract,
  line: UsagePriceLine,
  pool: Pool,
  closedNow: ReadonlyMap<string, ClosedLine>,
  late: { periodId: string; addition: LineUsageAddition } | null,
): PriceLineTrueUp {
  let chargedAmount = ZERO;
  let creditUnits = ZERO;
  for (const period of pool.periods) {
    const key = `${period.periodId}|${line.priceLineId}`;
    const rated = closedNow.get(key) ?? contract.periods.get(period.periodId)?.lines.get(line.priceLineId);
    chargedAmount = chargedAmount.plus(rated?.amount ?? ZERO);
    creditUnits = creditUnits.plus(rated?.creditUnits ?? ZERO);
  }
  const segmentsPerPeriod = pool.periods.map((period) => {
    const usage = contract.periods.get(period.periodId)?.lines.get(line.priceLineId)?.usage;
    const periodLine = lineFor(contract, period, line.priceLineId) ?? line;
    return lineSegments(periodLine, usage, late?.periodId === period.periodId ? late.addition : null);
  });
  const pooled = lineRatingOnWire(rateLine({
    line,
    segments: mergeSegments(segmentsPerPeriod),
    periodStartMs: Date.parse(pool.poolStart),
    periodsCount: pool.periods.length,
    creditUnitsAvailable: creditUnits,
    applyMinimum: true,
  }));
  const previouslyTruedUpAmount = contract.trueUps.get(trueUpKey(pool.poolId, line.priceLineId)) ?? ZERO;
  return {
    priceLineId: line.priceLineId,
    meterCode: line.meterCode,
    pooledUnits: pooled.units,
    pooledIncludedUnits: pooled.includedUnits,
    pooledAmount: pooled.amount,
    chargedAmount,
    previouslyTruedUpAmount,
    amount: pooled.amount.minus(chargedAmount).minus(previouslyTruedUpAmount),
  };
}

function trueUpEvent(customerId: string, contract: RatedContract, pool: Pool, lines: PriceLineTrueUp[], calculatedAt: string): TrueUpCalculated {
  return {
    type: 'TrueUpCalculated',
    customerId,
    contractId: contract.contractId,
    currency: contract.currency,
    poolId: pool.poolId,
    poolStart: pool.poolStart,
    poolEnd: pool.poolEnd,
    periodIds: pool.periods.map((period) => period.periodId),
    lines,
    amount: lines.reduce((total, line) => total.plus(line.amount), ZERO),
    calculatedAt,
  };
}

function decideUsage(command: UsageAccepted | LateUsageAccepted, state: RatingState, config: RatingConfig): RatingEvent[] {
  const eventTimeMs = instantMs(command.eventTime);
  invariant(Number.isFinite(eventTimeMs), `accepted usage ${command.eventId} has no valid event time`);
  platformNowMs(command.now);
  const contract = state.status === 'rating' ? state.contracts.get(command.contractId) : undefined;
  // Metering accepts only usage of a contract it knows, so these terms are on their way on contracts.events.v1.
  if (state.status !== 'rating' || contract === undefined) return holdUsage(command, state, config);
  const period = billingPeriodOf(eventTimeMs, contract.billingPeriodAlignment, contract.startDate);
  const periodStartMs = Date.parse(period.periodStart);
  const lines = versionFor(contract, periodStartMs).usagePriceLines.filter((line) => line.meterCode === command.meterCode);
  if (lines.length === 0) return []; // a meter with no price (an entitlement-only meter) costs nothing
  const ratedPeriod = contract.periods.get(period.periodId);
  const closed = contract.closedThroughMs !== null && Date.parse(period.periodEnd) <= contract.closedThroughMs;
  if (closed && ratedPeriod === undefined) throw new PeriodNoLongerRatable(contract.contractId, period.periodId);
  const ratedAt = canonical(command.now);
  const events: RatingEvent[] = [];
  // Open period: lines on this meter share its credits in line order, as the period's close will draw them.
  let creditUnitsLeft = closed ? ZERO : creditsFor(contract, command.meterCode, period).reduce((total, credit) => total.plus(credit.remainingUnits), ZERO);
  for (const line of lines) {
    const addition: LineUsageAddition = {
      quantity: command.quantity,
      eventTimeMs,
      eventId: command.eventId,
      rampKey: rampKeyAt(line, eventTimeMs),
      aggregationValue: line.aggregationProperty === null ? null : command.properties[line.aggregationProperty] ?? null,
    };
    const ratedLine = ratedPeriod?.lines.get(line.priceLineId);
    if (wouldExceedUniqueValues(ratedLine?.usage, addition, config.uniqueValuesMax)) {
      throw new LimitExceeded('uniqueValuesMax', state.customerId, config.uniqueValuesMax, `line ${line.priceLineId} in ${period.periodId}`);
    }
    const segments = lineSegments(line, ratedLine?.usage, addition);
    const previousAmount = ratedLine?.amount ?? ZERO;
    const fields: RatedUsageFields = {
      customerId: state.customerId,
      contractId: contract.contractId,
      currency: contract.currency,
      priceLineId: line.priceLineId,
      meterCode: line.meterCode,
      ...period,
      usageEventId: command.eventId,
      quantity: command.quantity,
      eventTime: new Date(eventTimeMs).toISOString(),
      rampEffectiveFrom: rampOfKey(addition.rampKey),
      pricedFrom: pricedFromOfKey(addition.rampKey),
      aggregationValue: addition.aggregationValue,
      ratedAt,
    };
    const rating = lineRatingOnWire(rateLine({
      line,
      segments,
      periodStartMs,
      periodsCount: 1,
      creditUnitsAvailable: closed ? ratedLine?.creditUnits ?? ZERO : creditUnitsLeft,
      applyMinimum: closed,
    }));
    if (!closed) {
      creditUnitsLeft = creditUnitsLeft.minus(rating.creditUnitsApplied);
      events.push({ type: 'UsageRated', ...fields, amount: rating.amount.minus(previousAmount), accruedAmount: rating.amount });
      continue;
    }
    events.push({ type: 'LateUsageRated', ...fields, previousAmount, reratedAmount: rating.amount, amount: rating.amount.minus(previousAmount) });
    if (line.commitScope === 'monthly') continue;
    const pool = poolOf(contract, period, line.commitScope);
    if (!contract.trueUps.has(trueUpKey(pool.poolId, line.priceLineId))) continue; // its true-up will count it
    const override = new Map([[`${period.periodId}|${line.priceLineId}`, { amount: rating.amount, creditUnits: ratedLine?.creditUnits ?? ZERO }]]);
    const retrued = trueUpLine(contract, line, pool, override, { periodId: period.periodId, addition });
    if (!retrued.amount.eq(0)) events.push(trueUpEvent(state.customerId, contract, pool, [retrued], ratedAt));
  }
  return events;
}

function decideTermination(command: ContractTerminationReceived, state: RatingState): RatingEvent[] {
  const endMs = instantMs(command.effectiveDate);
  if (!Number.isFinite(endMs)) throw new InvalidTerms(command.contractId, [`termination date ${command.effectiveDate} is not a date`]);
  const contract = state.status === 'rating' ? state.contracts.get(command.contractId) : undefined;
  if (contract === undefined || endMs >= contract.endMs) return []; // unknown here, redelivered, or not earlier
  // Periods already rated stay rated: the end cannot move before the last closed period.
  const floorMs = Math.max(contract.startMs, contract.closedThroughMs ?? contract.startMs);
  return [
    {
      type: 'ContractEndNoted',
      customerId: command.customerId,
      contractId: command.contractId,
      endDate: new Date(Math.max(endMs, floorMs)).toISOString(),
      notedAt: canonical(command.now),
    },
  ];
}

function decideTick(command: ClockTicked, state: RatingState, config: RatingConfig): RatingEvent[] {
  if (state.status === 'noContract') return [];
  const nowMs = platformNowMs(command.now);
  const ratedAt = new Date(nowMs).toISOString();
  const events: RatingEvent[] = [];
  for (const contract of state.contracts.values()) {
    const closedNow = new Map<string, ClosedLine>();
    const creditsLeft = new Map<string, Big>();
    // A clock jumping years ahead is input, not a broken invariant: a tick rates at most periodsClosedPerTickMax
    // periods of a contract, in order, and the next ticks rate the rest (as metering closes them).
    const due = periodsDue(contract, nowMs, config.graceMs, Number.POSITIVE_INFINITY).slice(0, config.periodsClosedPerTickMax);
    for (const period of due) {
      const periodStartMs = Date.parse(period.periodStart);
      const version = versionFor(contract, periodStartMs);
      const ratedPeriod = contract.periods.get(period.periodId);
      const lines: PriceLineRating[] = version.usagePriceLines.map((line) => {
        const usage = ratedPeriod?.lines.get(line.priceLineId)?.usage;
        const credits = creditsFor(contract, line.meterCode, period).map((credit) => ({
          creditId: credit.creditId,
          remainingUnits: creditsLeft.get(credit.creditId) ?? credit.remainingUnits,
        }));
        const rating = lineRatingOnWire(rateLine({
          line,
          segments: lineSegments(line, usage, null),
          periodStartMs,
          periodsCount: 1,
          creditUnitsAvailable: credits.reduce((total, credit) => total.plus(credit.remainingUnits), ZERO),
          applyMinimum: true,
        }));
        const creditsApplied: CreditUnitsApplied[] = [];
        let toDraw = rating.creditUnitsApplied;
        for (const credit of credits) {
          if (toDraw.lte(0)) break;
          const units = credit.remainingUnits.lt(toDraw) ? credit.remainingUnits : toDraw;
          if (units.lte(0)) continue;
          creditsApplied.push({ creditId: credit.creditId, units });
          creditsLeft.set(credit.creditId, credit.remainingUnits.minus(units));
          toDraw = toDraw.minus(units);
        }
        invariant(toDraw.eq(0), `line ${line.priceLineId} drew more credit units than it had`);
        closedNow.set(`${period.periodId}|${line.priceLineId}`, { amount: rating.amount, creditUnits: rating.creditUnitsApplied });
        return {
          priceLineId: line.priceLineId,
          meterCode: line.meterCode,
          units: rating.units,
          includedUnits: rating.includedUnits,
          creditUnitsApplied: rating.creditUnitsApplied,
          creditsApplied,
          billableUnits: rating.billableUnits,
          overageAmount: rating.overageAmount,
          overageDiscountAmount: rating.overageDiscountAmount,
          fixedAmount: rating.fixedAmount,
          discountAmount: rating.discountAmount,
          fixedDiscountAmount: rating.fixedDiscountAmount,
          minimumTopUpAmount: rating.minimumTopUpAmount,
          maximumReductionAmount: rating.maximumReductionAmount,
          amount: rating.amount,
        };
      });
      events.push({
        type: 'PeriodRated',
        customerId: state.customerId,
        contractId: contract.contractId,
        currency: contract.currency,
        ...period,
        lines,
        amount: lines.reduce((total, line) => total.plus(line.amount), ZERO),
        ratedAt,
      });
      // Pools ending with this period (or with the contract) are trued up now, one event per pool.
      const pools = new Map<string, { pool: Pool; lines: PriceLineTrueUp[] }>();
      for (const line of version.usagePriceLines) {
        if (line.commitScope === 'monthly') continue;
        const pool = poolOf(contract, period, line.commitScope);
        const last = pool.periods[pool.periods.length - 1];
        if (last.periodId !== period.periodId && !isLastPeriod(contract, period)) continue;
        const entry = pools.get(pool.poolId) ?? { pool, lines: [] };
        entry.lines.push(trueUpLine(contract, line, pool, closedNow, null));
        pools.set(pool.poolId, entry);
      }
      for (const { pool, lines: trueUps } of pools.values()) events.push(trueUpEvent(state.customerId, contract, pool, trueUps, ratedAt));
    }
  }
  return events;
}

/**
 * Every figure on the decided events must fit the wire's decimal(38,12): amounts are at wire scale already
 * (lineRatingOnWire), so only a magnitude beyond 26 integer digits can fail, and that is this command's rejection
 * (AMOUNT_OUT_OF_RANGE), never an encode failure that would stall the partition.
 */
function assertOnWire(events: RatingEvent[]): RatingEvent[] {
  const check = (event: RatingEvent, path: string, value: unknown): void => {
    if (value instanceof Big) {
      if (!fitsWire(value)) throw new AmountOutOfRange(event.customerId, event.type, path, value.toFixed());
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => check(event, `${path}[${index}]`, item));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, field] of Object.entries(value)) check(event, path === '' ? key : `${path}.${key}`, field);
    }
  };
  for (const event of events) check(event, '', event);
  return events;
}

function decideCommand(command: RatingCommand, state: RatingState, config: RatingConfig): RatingEvent[] {
  switch (command.type) {
    case 'ContractTermsReceived':
      return decideTerms(command, state, config);
    case 'ContractTerminationReceived':
      return decideTermination(command, state);
    case 'UsageAccepted':
    case 'LateUsageAccepted':
      return decideUsage(command, state, config);
    case 'ClockTicked':
      return decideTick(command, state, config);
    default: {
      const unknown: never = command;
      throw new Error(`unknown command: ${JSON.stringify(unknown)}`);
    }
  }
}

export function decideRating(command: RatingCommand, state: RatingState, config: RatingConfig): RatingEvent[] {
  return assertOnWire(decideCommand(command, state, config));
}
