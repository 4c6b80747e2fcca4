import { Big } from '@billing/money';
import { UnknownEvent, invariant } from '@billing/eventsourcing';
import { EntitlementEvent } from './events';
import { Allowance, CreditBalance, EntitlementsState, heldUsageOf } from './state';

const ZERO = new Big('0');

export function evolve(state: EntitlementsState, event: EntitlementEvent): EntitlementsState {
  switch (event.type) {
    case 'ContractTermsNoted': {
      const known = state.contracts[event.grants.contractId];
      const versions = [...(known?.versions ?? []), event.grants].sort((a, b) => a.termsVersion - b.termsVersion);
      // The decision that notes terms releases every held usage (counted or rejected in the same decision).
      return {
        ...state,
        heldUsage: [],
        customerId: event.customerId,
        contracts: {
          ...state.contracts,
          [event.grants.contractId]: { contractId: event.grants.contractId, versions, terminatedOn: known?.terminatedOn ?? null },
        },
      };
    }
    case 'ContractTerminationNoted': {
      const known = state.contracts[event.contractId];
      invariant(known !== undefined, `termination of unknown contract ${event.contractId}`);
      return { ...state, contracts: { ...state.contracts, [event.contractId]: { ...known, terminatedOn: event.effectiveDate } } };
    }
    case 'AllowanceOpened':
      return withAllowance(state, {
        status: 'open',
        featureCode: event.featureCode,
        meterCode: event.meterCode,
        contractId: event.contractId,
        role: event.role,
        periodUnit: event.periodUnit,
        alignment: event.alignment,
        anchorDate: event.anchorDate,
        periodStart: event.periodStart,
        periodEnd: event.periodEnd,
        includedUnits: event.includedUnits,
        consumedUnits: ZERO,
        overageAllowed: event.overageAllowed,
        thresholdPercents: event.thresholdPercents,
        thresholdsReached: [],
      });
    case 'UsageConsumed': {
      const allowance = allowanceOf(state, event.featureCode);
      invariant(allowance.periodStart === event.periodStart, `usage for ${event.periodStart}, live period ${allowance.periodStart}`);
      const counted = allowance.overageAllowed ? event.quantity : event.includedQuantity;
      return withAllowance(state, { ...allowance, consumedUnits: allowance.consumedUnits.plus(counted) });
    }
    case 'LateUsageRecorded':
      return state;
    case 'ThresholdReached': {
      const allowance = allowanceOf(state, event.featureCode);
      return withAllowance(state, { ...allowance, thresholdsReached: [...allowance.thresholdsReached, event.percent] });
    }
    case 'AllowanceExhausted': {
      const allowance = allowanceOf(state, event.featureCode);
      invariant(allowance.status === 'open', `${event.featureCode} exhausted while ${allowance.status}`);
      return withAllowance(state, {
        ...allowance,
        status: 'exhausted',
        exhaustedByUsageEventId: event.usageEventId,
        exhaustedAt: event.eventTime,
      });
    }
    case 'PeriodRolledOver': {
      const allowance = allowanceOf(state, event.featureCode);
      return withAllowance(state, {
        status: 'open',
        featureCode: allowance.featureCode,
        meterCode: allowance.meterCode,
        contractId: event.contractId,
        role: allowance.role,
        periodUnit: allowance.periodUnit,
        alignment: allowance.alignment,
        anchorDate: allowance.anchorDate,
        periodStart: event.periodStart,
        periodEnd: event.periodEnd,
        includedUnits: event.includedUnits,
        consumedUnits: ZERO,
        overageAllowed: event.overageAllowed,
        thresholdPercents: event.thresholdPercents,
        thresholdsReached: [],
      });
    }
    case 'AllowanceClosed': {
      const allowance = allowanceOf(state, event.featureCode);
      return withAllowance(state, { ...allowance, status: 'closed', closedReason: event.reason, closedAt: event.at });
    }
    case 'CreditsGranted':
      return withCredit(state, {
        status: 'active',
        creditId: event.creditId,
        meterCode: event.meterCode,
        featureCode: event.featureCode,
        grantedUnits: event.units,
        remainingUnits: event.units,
        validFrom: event.validFrom,
        expiresOn: event.expiresOn,
        priority: event.priority,
        lowBalanceUnits: event.lowBalanceUnits,
        lowBalanceNotified: false,
        contractId: event.contractId,
      });
    case 'CreditsBurned': {
      const credit = creditOf(state, event.creditId);
      const remainingUnits = credit.remainingUnits.minus(event.units);
      invariant(remainingUnits.eq(event.remainingUnits) && remainingUnits.gte(ZERO), `credit ${event.creditId} burned below zero`);
      return withCredit(state, { ...credit, remainingUnits });
    }
    case 'CreditsExpired':
      return withCredit(state, { ...creditOf(state, event.creditId), status: 'expired', remainingUnits: ZERO });
    case 'CreditBalanceLow':
      return withCredit(state, { ...creditOf(state, event.creditId), lowBalanceNotified: true });
    case 'SeatsChanged':
      return { ...state, seats: { ...state.seats, [event.featureCode]: event.seats } };
    case 'FeatureFlagSet':
      return { ...state, flags: { ...state.flags, [event.featureCode]: event.enabled } };
    case 'UsageHeldUntilTerms': {
      const { usageEventId, meterCode, eventTime, quantity } = event;
      return { ...state, heldUsage: [...heldUsageOf(state), { usageEventId, meterCode, eventTime, quantity }] };
    }
    case 'HeldUsageRejected':
      return state;
    default:
      throw new UnknownEvent(event);
  }
}

function allowanceOf(state: EntitlementsState, featureCode: string): Allowance {
  const allowance = state.allowances[featureCode];
  invariant(allowance !== undefined, `event for unknown allowance ${featureCode}`);
  return allowance;
}

function creditOf(state: EntitlementsState, creditId: string): CreditBalance {
  const credit = state.credits[creditId];
  invariant(credit !== undefined, `event for unknown credit ${creditId}`);
  return credit;
}

function withAllowance(state: EntitlementsState, allowance: Allowance): EntitlementsState {
  return { ...state, allowances: { ...state.allowances, [allowance.featureCode]: allowance } };
}

function withCredit(state: EntitlementsState, credit: CreditBalance): EntitlementsState {
  return { ...state, credits: { ...state.credits, [credit.creditId]: credit } };
}
