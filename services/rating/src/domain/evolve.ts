import { invariant, UnknownEvent } from '@billing/eventsourcing';
import { Big } from '@billing/money';
import type { ContractTermsNoted, LateUsageRated, RatingEvent, UsageHeld, UsageRated } from './events';
import { addToLineUsage, emptyLineUsage, segmentKey } from './line-usage';
import { trueUpKey, type HeldUsage, type RatedContract, type RatedLine, type RatedPeriod, type RatingConfig, type RatingState } from './state';

function noteTerms(contracts: Map<string, RatedContract>, event: ContractTermsNoted): void {
  const previous = contracts.get(event.contractId);
  const versions = [
    ...(previous?.versions ?? []),
    {
      termsVersion: event.termsVersion,
      effectiveFromMs: Date.parse(event.effectiveFrom),
      usagePriceLines: event.usagePriceLines,
      prepaidCredits: event.prepaidCredits,
    },
  ].sort((a, b) => a.effectiveFromMs - b.effectiveFromMs || a.termsVersion - b.termsVersion);
  const contract: RatedContract = {
    contractId: event.contractId,
    currency: event.currency,
    startDate: event.startDate,
    startMs: Date.parse(event.startDate),
    endMs: event.endDate === null ? Number.POSITIVE_INFINITY : Date.parse(event.endDate),
    billingPeriodAlignment: event.billingPeriodAlignment,
    versions,
    closedThroughMs: previous?.closedThroughMs ?? null,
    periods: previous?.periods ?? new Map(),
    credits: previous?.credits ?? new Map(),
    trueUps: previous?.trueUps ?? new Map(),
  };
  for (const credit of event.prepaidCredits) {
    if (contract.credits.has(credit.creditId)) continue; // granted once, whatever later versions repeat
    contract.credits.set(credit.creditId, {
      creditId: credit.creditId,
      meterCode: credit.meterCode,
      validFromMs: Date.parse(credit.validFrom),
      expiresOnMs: Date.parse(credit.expiresOn),
      priority: credit.priority,
      remainingUnits: credit.units,
    });
  }
  contracts.set(event.contractId, contract);
}

function periodOf(contract: RatedContract, event: { periodId: string; periodStart: string; periodEnd: string }): RatedPeriod {
  let period = contract.periods.get(event.periodId);
  if (period === undefined) {
    period = {
      period: { periodId: event.periodId, periodStart: event.periodStart, periodEnd: event.periodEnd },
      status: 'open',
      lines: new Map(),
    };
    contract.periods.set(event.periodId, period);
  }
  return period;
}

function lineOf(period: RatedPeriod, priceLineId: string): RatedLine {
  let line = period.lines.get(priceLineId);
  if (line === undefined) {
    line = { usage: emptyLineUsage(), amount: new Big('0'), creditUnits: new Big('0') };
    period.lines.set(priceLineId, line);
  }
  return line;
}

function contractOf(state: RatingState, contractId: string): RatedContract {
  invariant(state.status === 'rating', `rating event for contract ${contractId} before any terms`);
  const contract = state.contracts.get(contractId);
  invariant(contract !== undefined, `rating event for unknown contract ${contractId}`);
  return contract;
}

function rateUsage(state: RatingState, event: UsageRated | LateUsageRated, config: RatingConfig): void {
  const contract = contractOf(state, event.contractId);
  const line = lineOf(periodOf(contract, event), event.priceLineId);
  addToLineUsage(
    line.usage,
    {
      quantity: event.quantity,
      eventTimeMs: Date.parse(event.eventTime),
      eventId: event.usageEventId,
      rampKey: segmentKey(event.pricedFrom, event.rampEffectiveFrom),
      aggregationValue: event.aggregationValue,
    },
    config.uniqueValuesMax,
  );
  line.amount = event.type === 'UsageRated' ? event.accruedAmount : event.reratedAmount;
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

function newRatingState(customerId: string): Extract<RatingState, { status: 'rating' }> {
  return { status: 'rating', customerId, contracts: new Map<string, RatedContract>(), held: new Map<string, HeldUsage[]>() };
}

export function evolveRating(state: RatingState, event: RatingEvent, config: RatingConfig): RatingState {
  switch (event.type) {
    case 'ContractTermsNoted': {
      const rating = state.status === 'rating' ? state : newRatingState(event.customerId);
      noteTerms(rating.contracts, event);
      // Its held usage is released by the same decision (the rating events that follow this one).
      rating.held?.delete(event.contractId);
      return rating;
    }
    case 'UsageHeld': {
      const rating = state.status === 'rating' ? state : newRatingState(event.customerId);
      rating.held ??= new Map<string, HeldUsage[]>();
      const usages = rating.held.get(event.contractId) ?? [];
      usages.push(heldUsageOf(event));
      rating.held.set(event.contractId, usages);
      return rating;
    }
    case 'UsageRated':
    case 'LateUsageRated':
      rateUsage(state, event, config);
      return state;
    case 'PeriodRated': {
      const contract = contractOf(state, event.contractId);
      const period = periodOf(contract, event);
      period.status = 'closed';
      for (const rated of event.lines) {
        const line = lineOf(period, rated.priceLineId);
        line.amount = rated.amount;
        line.creditUnits = rated.creditUnitsApplied;
        for (const drawn of rated.creditsApplied) {
          const credit = contract.credits.get(drawn.creditId);
          invariant(credit !== undefined, `period ${event.periodId} drew unknown credit ${drawn.creditId}`);
          credit.remainingUnits = credit.remainingUnits.minus(drawn.units);
          invariant(credit.remainingUnits.gte(0), `credit ${drawn.creditId} drawn below zero`);
        }
      }
      contract.closedThroughMs = Date.parse(event.periodEnd);
      // Usage of periods closed long ago can no longer change a rating (metering rejects it as TOO_OLD): drop it.
      const horizonMs = Date.parse(event.ratedAt) - config.closedPeriodRetentionMs;
      for (const [periodId, kept] of contract.periods) {
        if (kept.status === 'closed' && Date.parse(kept.period.periodEnd) < horizonMs) contract.periods.delete(periodId);
      }
      return state;
    }
    case 'ContractEndNoted':
      contractOf(state, event.contractId).endMs = Date.parse(event.endDate);
      return state;
    case 'TrueUpCalculated': {
      const contract = contractOf(state, event.contractId);
      for (const line of event.lines) {
        const key = trueUpKey(event.poolId, line.priceLineId);
        contract.trueUps.set(key, (contract.trueUps.get(key) ?? new Big('0')).plus(line.amount));
      }
      return state;
    }
    default: {
      const unknown: never = event;
      throw new UnknownEvent(unknown);
    }
  }
}
