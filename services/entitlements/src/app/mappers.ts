/**
 * Wire <-> domain for the entitlements service.
 * - contracts.events.v1 (ContractEvent) -> ContractTermsReceived | ContractTerminationReceived
 * - metering.usage.v1 (MeteringEvent) UsageAccepted / LateUsageAccepted -> UsageAccepted
 * - EntitlementEvent (domain) <-> entitlements.events.v1 payload
 * - FeatureBalance -> entitlements.balances.v1 value (key balanceKey(customerId, featureCode))
 */
import { fromSymbol, toSymbol } from '@billing/avro';
import type * as wire from '@billing/schemas';
import { FeatureBalance } from '../domain/balances';
import { ContractTerminationReceived, ContractTermsReceived, UsageAccepted } from '../domain/commands';
import { AllowanceClosedReason, AllowanceRole, EntitlementEvent } from '../domain/events';
import { CommitScope, ContractGrants } from '../domain/grants';
import { BillingAlignment, PeriodUnit } from '../domain/periods';

const ALIGNMENT: Record<string, BillingAlignment> = { Calendar: 'calendar', Anniversary: 'anniversary' };
const COMMIT: Record<string, CommitScope> = { Monthly: 'monthly', PooledQuarterly: 'pooled_quarterly', PooledAnnual: 'pooled_annual' };
const PERIOD: Record<string, PeriodUnit> = { Month: 'month', Quarter: 'quarter', Year: 'year' };
const ROLE: Record<string, AllowanceRole> = { Billing: 'billing', Pool: 'pool' };
const REASON: Record<string, AllowanceClosedReason> = { ContractEnded: 'contract_ended', ContractTerminated: 'contract_terminated', LineRemoved: 'line_removed' };
const STATUS: Record<string, 'open' | 'exhausted' | 'closed'> = { Open: 'open', Exhausted: 'exhausted', Closed: 'closed' };
const KIND: Record<string, FeatureBalance['kind']> = { Metered: 'metered', Credits: 'credits', Seats: 'seats', Flag: 'flag' };

// ------------------------------------------------------------------------------------- contract events -> command

/** What a contract terms version grants, read field for field off contracts.events.v1 terms. */
export function grantsFromContractTerms(
  contractId: string,
  version: number,
  effectiveDate: string,
  endDate: string,
  terms: wire.ContractTerms,
): ContractGrants {
  const grants = {
    contractId,
    termsVersion: version,
    effectiveDate,
    endDate,
    contractStartDate: terms.startDate,
    billingAlignment: fromSymbol(ALIGNMENT, terms.billingAlignment),
    metered: [] as ContractGrants['metered'][number][],
    seats: [] as ContractGrants['seats'][number][],
    flags: terms.featureFlags.map((flag) => ({ featureCode: flag.featureCode, enabled: flag.enabled })),
    credits: terms.prepaidCredits.map((credit) => ({
      creditId: credit.creditId, meterCode: credit.meterCode, units: credit.units, validFrom: credit.validFrom,
      expiresOn: credit.expiresOn, priority: credit.priority, lowBalanceUnits: credit.lowBalanceUnits,
    })),
  };
  for (const line of terms.priceLines) {
    if ('billing.contracts.ContractUsageLine' in line) {
      const usage = line['billing.contracts.ContractUsageLine'];
      grants.metered.push({
        meterCode: usage.meterCode,
        includedUnitsPerMonth: usage.includedUnitsPerMonth,
        commitScope: fromSymbol(COMMIT, usage.commit.scope),
        trueUp: usage.commit.trueUp,
        overageAllowed: usage.overagePolicy !== 'Block',
        thresholdPercents: usage.thresholdPercents,
      });
    } else if ('billing.contracts.ContractSeatLine' in line) {
      const seats = line['billing.contracts.ContractSeatLine'];
      grants.seats.push({ featureCode: seats.productCode, seats: seats.seats });
    }
  }
  return grants;
}

/** `now` is the contract event's occurredAt. */
export function commandFromContractEvent(record: wire.ContractEvent): ContractTermsReceived | ContractTerminationReceived {
  const payload = record.payload;
  const received = (value: wire.ContractCreated | wire.ContractAmended | wire.ContractRenewed): ContractTermsReceived => ({
    type: 'ContractTermsReceived',
    now: record.occurredAt,
    customerId: record.customerId,
    grants: grantsFromContractTerms(value.contractId, value.version, value.effectiveDate, value.endDate, value.terms),
  });
  if ('billing.contracts.ContractCreated' in payload) return received(payload['billing.contracts.ContractCreated']);
  if ('billing.contracts.ContractAmended' in payload) return received(payload['billing.contracts.ContractAmended']);
  if ('billing.contracts.ContractRenewed' in payload) return received(payload['billing.contracts.ContractRenewed']);
  const terminated = payload['billing.contracts.ContractTerminated'];
  return {
    type: 'ContractTerminationReceived',
    now: record.occurredAt,
    customerId: record.customerId,
    contractId: terminated.contractId,
    effectiveDate: terminated.effectiveDate,
  };
}

// ------------------------------------------------------------------------------------- metering usage -> command

/**
 * Metering's accepted usage (on time or late: entitlements itself decides whether it still counts in the live
 * period) as the command of its customer; null for metering's other events (terms noted, period closed, ...),
 * which grant nothing. `now` is the platform time metering accepted the usage at.
 */
export function commandFromMeteringEvent(record: Pick<wire.MeteringEvent, 'customerId' | 'payload'>): UsageAccepted | null {
  const payload = record.payload;
  const usage =
    'billing.metering.UsageAccepted' in payload
      ? payload['billing.metering.UsageAccepted']
      : 'billing.metering.LateUsageAccepted' in payload
        ? payload['billing.metering.LateUsageAccepted']
        : null;
  if (usage === null) return null;
  return {
    type: 'UsageAccepted',
    now: usage.receivedAt,
    customerId: record.customerId,
    usageEventId: usage.usageEventId,
    meterCode: usage.meterCode,
    quantity: usage.quantity,
    eventTime: usage.eventTime,
  };
}

// ----------------------------------------------------------------------------------- entitlement events <-> wire

const NAMESPACE = 'billing.entitlements.';

function grantsToWire(grants: ContractGrants): wire.EntitlementGrants {
  return {
    ...grants,
    billingAlignment: toSymbol(ALIGNMENT, grants.billingAlignment),
    metered: grants.metered.map((metered) => ({ ...metered, commitScope: toSymbol(COMMIT, metered.commitScope), thresholdPercents: [...metered.thresholdPercents] })),
    seats: grants.seats.map((seat) => ({ ...seat })),
    flags: grants.flags.map((flag) => ({ ...flag })),
    credits: grants.credits.map((credit) => ({ ...credit })),
  };
}

function grantsFromWire(grants: wire.EntitlementGrants): ContractGrants {
  return {
    ...grants,
    billingAlignment: fromSymbol(ALIGNMENT, grants.billingAlignment),
    metered: grants.metered.map((metered) => ({ ...metered, commitScope: fromSymbol(COMMIT, metered.commitScope) })),
  };
}

/** The payload (and the envelope's customerId where the event carries it) of a domain event. */
export function entitlementEventToWire(event: EntitlementEvent): { eventType: wire.EntitlementEventType; payload: wire.EntitlementEventPayload } {
  const { type, ...fields } = event;
  let value: object = fields;
  switch (event.type) {
    case 'ContractTermsNoted':
      value = { grants: grantsToWire(event.grants), at: event.at };
      break;
    case 'AllowanceOpened':
      value = { ...fields, role: toSymbol(ROLE, event.role), periodUnit: toSymbol(PERIOD, event.periodUnit), alignment: toSymbol(ALIGNMENT, event.alignment), thresholdPercents: [...event.thresholdPercents] };
      break;
    case 'PeriodRolledOver':
      value = { ...fields, thresholdPercents: [...event.thresholdPercents] };
      break;
    case 'AllowanceClosed':
      value = { ...fields, reason: toSymbol(REASON, event.reason) };
      break;
    default:
      break;
  }
  return { eventType: type, payload: { [`${NAMESPACE}${type}`]: value } as wire.EntitlementEventPayload };
}

export function entitlementEventFromWire(record: Pick<wire.EntitlementEvent, 'customerId' | 'payload'>): EntitlementEvent {
  const [fullName, value] = Object.entries(record.payload)[0] as [string, Record<string, unknown>];
  const type = fullName.slice(NAMESPACE.length) as EntitlementEvent['type'];
  switch (type) {
    case 'ContractTermsNoted': {
      const noted = value as unknown as wire.ContractTermsNoted;
      return { type, customerId: record.customerId, grants: grantsFromWire(noted.grants), at: noted.at };
    }
    case 'AllowanceOpened': {
      const opened = value as unknown as wire.AllowanceOpened;
      return { type, ...opened, role: fromSymbol(ROLE, opened.role), periodUnit: fromSymbol(PERIOD, opened.periodUnit), alignment: fromSymbol(ALIGNMENT, opened.alignment) };
    }
    case 'AllowanceClosed': {
      const closed = value as unknown as wire.AllowanceClosed;
      return { type, ...closed, reason: fromSymbol(REASON, closed.reason) };
    }
    default:
      return { type, ...value } as EntitlementEvent;
  }
}

// --------------------------------------------------------------------------------------------------- balances

export function balanceToWire(customerId: string, balance: FeatureBalance, updatedAt: string): wire.EntitlementBalance {
  const empty = {
    meterCode: null, status: null, periodStart: null, periodEnd: null, includedUnits: null, consumedUnits: null, remainingUnits: null,
    overageAllowed: null, grantedUnits: null, nextExpiresOn: null, seats: null, enabled: null,
  };
  const common = { customerId, featureCode: balance.featureCode, kind: toSymbol<wire.EntitlementBalanceKind>(KIND, balance.kind), updatedAt };
  switch (balance.kind) {
    case 'metered':
      return {
        ...empty, ...common, meterCode: balance.meterCode, status: toSymbol<wire.AllowanceStatus>(STATUS, balance.status), periodStart: balance.periodStart,
        periodEnd: balance.periodEnd, includedUnits: balance.includedUnits, consumedUnits: balance.consumedUnits,
        remainingUnits: balance.remainingUnits, overageAllowed: balance.overageAllowed,
      };
    case 'credits':
      return { ...empty, ...common, meterCode: balance.meterCode, grantedUnits: balance.grantedUnits, remainingUnits: balance.remainingUnits, nextExpiresOn: balance.nextExpiresOn };
    case 'seats':
      return { ...empty, ...common, seats: balance.seats };
    case 'flag':
      return { ...empty, ...common, enabled: balance.enabled };
  }
}
