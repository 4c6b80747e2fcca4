/**
 * Wire <-> domain for the entitlements service.
 * - contracts.events.v1 (ContractEvent) -> ContractTermsReceived | ContractTerminationReceived
 * - metering.usage.v1 (MeteringEvent) UsageAccepted / LateUsageAccepted -> UsageAccepted
 * - EntitlementEvent (domain) <-> entitlements.events.v1 payload
 * - FeatureBalance -> entitlements.balances.v1 value (key balanceKey(customerId, featureCode))
 */
import { fromSymbol, toSymbol } from '@billing/avro';
import * as contract from '@billing/contract-terms';
import type * as wire from '@billing/schemas';
import { FeatureBalance } from '../domain/balances';
import { ContractTerminationReceived, ContractTermsReceived, UsageAccepted } from '../domain/commands';
import { AllowanceClosedReason, AllowanceRole, EntitlementEvent } from '../domain/events';
import { CommitScope, ContractGrants } from '../domain/grants';
import { BillingAlignment, PeriodUnit } from '../domain/periods';

const ALIGNMENT: Record<string, BillingAlignment> = { Calendar: 'calendar_month', Anniversary: 'contract_anniversary' };
const COMMIT: Record<string, CommitScope> = { Monthly: 'monthly', PooledQuarterly: 'pooled_quarterly', PooledAnnual: 'pooled_annual' };
const PERIOD: Record<string, PeriodUnit> = { Month: 'month', Quarter: 'quarter', Year: 'year' };
const ROLE: Record<string, AllowanceRole> = { Billing: 'billing', Pool: 'pool' };
const REASON: Record<string, AllowanceClosedReason> = { ContractEnded: 'contract_ended', ContractTerminated: 'contract_terminated', LineRemoved: 'line_removed' };
const STATUS: Record<string, 'open' | 'exhausted' | 'closed'> = { Open: 'open', Exhausted: 'exhausted', Closed: 'closed' };
const KIND: Record<string, FeatureBalance['kind']> = { Metered: 'metered', Credits: 'credits', Seats: 'seats', Flag: 'flag' };

// ------------------------------------------------------------------------------------- contract events -> command

/** What a contract version grants, field for field. */
export function grantsOf(version: contract.ContractVersion): ContractGrants {
  const terms = version.terms;
  return {
    contractId: version.contractId,
    termsVersion: version.version,
    effectiveDate: version.effectiveDate,
    endDate: version.endDate,
    contractStartDate: terms.startDate,
    billingAlignment: terms.billingAlignment,
    metered: contract.usageLinesOf(terms).map((usage) => ({
      meterCode: usage.meterCode,
      includedUnitsPerMonth: usage.includedUnitsPerMonth,
      commitScope: usage.commit.scope,
      trueUp: usage.commit.trueUp,
      overageAllowed: usage.overagePolicy !== 'block',
      thresholdPercents: usage.thresholdPercents,
    })),
    seats: contract.seatLinesOf(terms).map((seats) => ({ featureCode: seats.productCode, seats: seats.seats })),
    flags: terms.featureFlags.map((flag) => ({ featureCode: flag.featureCode, enabled: flag.enabled })),
    credits: terms.prepaidCredits.map(({ pricePaid: _pricePaid, ...credit }) => credit),
  };
}

/** A decoded contracts.events.v1 record (read by the contract-terms library) as entitlements' command, `now` its occurredAt. */
export function commandFromContractEvent(record: wire.ContractEvent): ContractTermsReceived | ContractTerminationReceived {
  const change = contract.contractEventFromWire(record);
  if (change.kind === 'termination') return contract.terminationReceived(change);
  return { type: 'ContractTermsReceived', now: change.occurredAt, customerId: change.customerId, grants: grantsOf(change) };
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
