import { DomainError } from '@billing/eventsourcing';
import { Big } from '@billing/money';
import {
  ContractTerminationReceived,
  ContractTermsReceived,
  EntitlementCommand,
  GrantCredits,
  UsageAccepted,
} from './commands';
import { dateOf, isIsoDate, isIsoInstant } from '@billing/calendar';
import { reject } from './errors';
import { AllowanceClosedReason, AllowanceRole, EntitlementEvent } from './events';
import { evolve } from './evolve';
import {
  ContractGrants,
  CreditGrantTerms,
  DEFAULT_THRESHOLD_PERCENTS,
  MeteredGrant,
  creditsFeatureCode,
  poolFeatureCode,
} from './grants';
import { AllowancePeriod, PeriodUnit, allowancePeriodOn } from './periods';
import {
  Allowance,
  CONTRACTS_PER_CUSTOMER_MAX,
  CREDIT_GRANTS_PER_CUSTOMER_MAX,
  CreditBalance,
  EntitlementsState,
  FEATURES_PER_CUSTOMER_MAX,
  HELD_USAGE_MAX_DEFAULT,
  HeldUsage,
  NotedContract,
  THRESHOLDS_PER_ALLOWANCE_MAX,
  TERMS_VERSIONS_PER_CONTRACT_MAX,
  grantsInForce,
  heldUsageOf,
} from './state';

const ZERO = new Big('0');
const HUNDRED = new Big('100');

/** Collects events and folds them as it goes, so later decisions in one command see earlier ones. */
class Emitter {
  readonly events: EntitlementEvent[] = [];
  constructor(public state: EntitlementsState) {}
  emit(event: EntitlementEvent): void {
    this.events.push(event);
    this.state = evolve(this.state, event);
  }
}

export interface DecideOptions {
  /** usage held per customer while its first terms are on their way; beyond it: HELD_USAGE_LIMIT */
  readonly heldUsageMax: number;
}

const DECIDE_OPTIONS_DEFAULT: DecideOptions = { heldUsageMax: HELD_USAGE_MAX_DEFAULT };

export function decide(command: EntitlementCommand, state: EntitlementsState, options: DecideOptions = DECIDE_OPTIONS_DEFAULT): EntitlementEvent[] {
  if (!isIsoInstant(command.now)) throw reject('INVALID_TIMESTAMP', `now ${JSON.stringify(command.now)} is not an ISO instant`);
  const out = new Emitter(state);
  switch (command.type) {
    case 'ContractTermsReceived':
      noteTerms(out, command);
      break;
    case 'ContractTerminationReceived':
      noteTermination(out, command);
      break;
    case 'UsageAccepted':
      consumeOrHold(out, command, options);
      break;
    case 'ClockTicked':
      reconcile(out, command.now);
      break;
    case 'GrantCredits':
      grantAdHoc(out, command);
      break;
    default: {
      const unknown: never = command;
      throw reject('MISSING_FIELD', `unknown command ${JSON.stringify(unknown)}`);
    }
  }
  return out.events;
}

function noteTerms(out: Emitter, command: ContractTermsReceived): void {
  const grants = command.grants;
  validateGrants(grants);
  const state = out.state;
  if (state.customerId !== null && state.customerId !== command.customerId) {
    throw reject('CUSTOMER_MISMATCH', `terms for ${command.customerId} on account ${state.customerId}`);
  }
  const known = state.contracts[grants.contractId];
  if (known === undefined && Object.keys(state.contracts).length >= CONTRACTS_PER_CUSTOMER_MAX) {
    throw reject('LIMIT_EXCEEDED', `more than ${CONTRACTS_PER_CUSTOMER_MAX} contracts`);
  }
  if (known !== undefined && known.versions.some((version) => version.termsVersion === grants.termsVersion)) {
    throw reject('DUPLICATE_TERMS_VERSION', `terms version ${grants.termsVersion} of ${grants.contractId} already noted`, {
      contractId: grants.contractId,
    });
  }
  if (known !== undefined && known.versions.length >= TERMS_VERSIONS_PER_CONTRACT_MAX) {
    throw reject('LIMIT_EXCEEDED', `more than ${TERMS_VERSIONS_PER_CONTRACT_MAX} terms versions of ${grants.contractId}`);
  }
  // One contract owns a meter's allowance at a time: two would make "the balance" ambiguous.
  for (const other of Object.values(state.contracts)) {
    if (other.contractId === grants.contractId) continue;
    const clash = other.versions.find(
      (version) =>
        version.effectiveDate < grants.endDate &&
        grants.effectiveDate < (other.terminatedOn !== null && other.terminatedOn < version.endDate ? other.terminatedOn : version.endDate) &&
        version.metered.some((metered) => grants.metered.some((candidate) => candidate.meterCode === metered.meterCode)),
    );
    if (clash !== undefined) {
      throw reject('FEATURE_CONFLICT', `contract ${other.contractId} already grants a metered allowance of the same meter`, {
        contractId: grants.contractId,
        otherContractId: other.contractId,
      });
    }
  }
  const held = heldUsageOf(state);
  out.emit({ type: 'ContractTermsNoted', customerId: command.customerId, grants, at: command.now });
  if (held.length === 0) reconcile(out, command.now);
  else releaseHeld(out, held, command.now);
}

/**
 * Counts held usage as if the terms had come first. The allowances open as of the first held usage's date (not
 * `now`): a clock tick that rolled the platform into the next period while January usage was held must not turn
 * that usage into late usage. Before each held usage, reconcile as of its date (monotonic), as the ticks of the
 * terms-first order would have; usage past the live period rolls it over as usual; a final reconcile as of `now`
 * catches up with the ticks that passed while held. Held usage the terms do not cover is rejected by an event
 * (the DLQ only takes whole inputs, and this input, the terms, is valid).
 */
function releaseHeld(out: Emitter, held: readonly HeldUsage[], now: string): void {
  let asOfDate = held.reduce((earliest, usage) => (dateOf(usage.eventTime) < earliest ? dateOf(usage.eventTime) : earliest), dateOf(now));
  reconcile(out, now, asOfDate);
  for (const usage of held) {
    const usageDate = dateOf(usage.eventTime);
    if (usageDate > asOfDate) {
      asOfDate = usageDate;
      reconcile(out, now, asOfDate);
    }
    const eventsBefore = out.events.length;
    const stateBefore = out.state;
    try {
      consume(out, { type: 'UsageAccepted', now, customerId: out.state.customerId ?? '', ...usage });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      // Undo this usage's partial decision only; the terms and the usage before it stand.
      out.events.length = eventsBefore;
      out.state = stateBefore;
      out.emit({ type: 'HeldUsageRejected', ...usage, reasonCode: error.reasonCode, at: now });
    }
  }
  if (dateOf(now) > asOfDate) reconcile(out, now, dateOf(now));
}

function noteTermination(out: Emitter, command: ContractTerminationReceived): void {
  if (!isIsoDate(command.effectiveDate)) throw reject('INVALID_DATE', `effectiveDate ${JSON.stringify(command.effectiveDate)}`);
  if (out.state.contracts[command.contractId] === undefined) {
    throw reject('UNKNOWN_CONTRACT', `termination of contract ${command.contractId}, never noted`, { contractId: command.contractId });
  }
  out.emit({ type: 'ContractTerminationNoted', contractId: command.contractId, effectiveDate: command.effectiveDate, at: command.now });
  reconcile(out, command.now);
}

function grantAdHoc(out: Emitter, command: GrantCredits): void {
  validateCredit(command);
  if (out.state.credits[command.creditId] !== undefined) {
    throw reject('DUPLICATE_CREDIT', `credit ${command.creditId} was already granted`, { creditId: command.creditId });
  }
  if (Object.keys(out.state.credits).length >= CREDIT_GRANTS_PER_CUSTOMER_MAX) {
    throw reject('LIMIT_EXCEEDED', `more than ${CREDIT_GRANTS_PER_CUSTOMER_MAX} credit grants`);
  }
  out.emit(creditsGranted(command, null, command.now));
}

// ---------------------------------------------------------------------------------------------------------------
// Reconcile: bring allowances, seats, flags and credits in line with the terms in force at `at`.
// Called on every clock tick, on new terms, and when usage arrives past the live period's end.

interface AllowanceSpec {
  readonly featureCode: string;
  readonly meterCode: string;
  readonly contractId: string;
  readonly role: AllowanceRole;
  readonly periodUnit: PeriodUnit;
  readonly grants: ContractGrants;
  /** per billing period: a pool holds its periods' worth */
  readonly includedUnitsPerPeriod: Big;
  readonly overageAllowed: boolean;
  readonly thresholdPercents: readonly number[];
}

/**
 * monthly: one monthly allowance. Pooled with true-up: the monthly allowance overage is billed against, plus the
 * pool (informational, trued up at its end). Pooled without true-up: a single allowance over the quarter/year.
 */
function allowanceSpecs(grants: ContractGrants, metered: MeteredGrant): AllowanceSpec[] {
  const thresholdPercents = metered.thresholdPercents.length > 0 ? [...metered.thresholdPercents].sort((a, b) => a - b) : DEFAULT_THRESHOLD_PERCENTS;
  const spec = (featureCode: string, role: AllowanceRole, periodUnit: PeriodUnit, overageAllowed: boolean): AllowanceSpec => ({
    featureCode,
    meterCode: metered.meterCode,
    contractId: grants.contractId,
    role,
    periodUnit,
    grants,
    includedUnitsPerPeriod: metered.includedUnitsPerMonth,
    overageAllowed,
    thresholdPercents,
  });
  if (metered.commitScope === 'monthly') return [spec(metered.meterCode, 'billing', 'month', metered.overageAllowed)];
  const poolUnit: PeriodUnit = metered.commitScope === 'pooled_quarterly' ? 'quarter' : 'year';
  if (!metered.trueUp) return [spec(metered.meterCode, 'billing', poolUnit, metered.overageAllowed)];
  return [
    spec(metered.meterCode, 'billing', 'month', metered.overageAllowed),
    spec(poolFeatureCode(metered.meterCode, metered.commitScope), 'pool', poolUnit, true),
  ];
}

/** The period (month) or pool (quarter / year) of `spec` holding `date`, cut at the contract's end or termination. */
function allowancePeriodOf(state: EntitlementsState, spec: AllowanceSpec, date: string): AllowancePeriod {
  const grants = spec.grants;
  const terminatedOn = state.contracts[grants.contractId]?.terminatedOn ?? null;
  const contractEnd = terminatedOn !== null && terminatedOn < grants.endDate ? terminatedOn : grants.endDate;
  return allowancePeriodOn(date, spec.periodUnit, grants.billingAlignment, grants.contractStartDate, contractEnd);
}

function sortedValues<T>(record: Readonly<Record<string, T>>): T[] {
  return Object.keys(record)
    .sort()
    .map((key) => record[key]);
}

/** `at` stamps the events; `date` (default: at's date) is the day the terms are read at (releasing held usage reads earlier days). */
function reconcile(out: Emitter, at: string, date: string = dateOf(at)): void {
  const inForce = sortedValues(out.state.contracts).flatMap((contract: NotedContract) => {
    const grants = grantsInForce(contract, date);
    return grants === undefined ? [] : [grants];
  });

  // Metered allowances.
  const desired = new Map<string, AllowanceSpec>();
  for (const grants of inForce) {
    for (const metered of grants.metered) {
      for (const spec of allowanceSpecs(grants, metered)) if (!desired.has(spec.featureCode)) desired.set(spec.featureCode, spec);
    }
  }
  for (const featureCode of [...desired.keys()].sort()) {
    const spec = desired.get(featureCode)!;
    const existing = out.state.allowances[featureCode];
    const period = allowancePeriodOf(out.state, spec, date);
    const includedUnits = spec.includedUnitsPerPeriod.times(period.periodsCount);
    if (existing === undefined || existing.status === 'closed') {
      if (existing === undefined && Object.keys(out.state.allowances).length >= FEATURES_PER_CUSTOMER_MAX) {
        throw reject('LIMIT_EXCEEDED', `more than ${FEATURES_PER_CUSTOMER_MAX} allowances`);
      }
      out.emit({
        type: 'AllowanceOpened',
        featureCode,
        meterCode: spec.meterCode,
        contractId: spec.contractId,
        role: spec.role,
        periodUnit: spec.periodUnit,
        alignment: spec.grants.billingAlignment,
        anchorDate: spec.grants.contractStartDate,
        periodStart: period.start,
        periodEnd: period.end,
        includedUnits,
        overageAllowed: spec.overageAllowed,
        thresholdPercents: spec.thresholdPercents,
        at,
      });
    } else if (existing.periodEnd <= date) {
      // New terms take effect at a period boundary: the live period keeps the allowance it opened with.
      out.emit({
        type: 'PeriodRolledOver',
        featureCode,
        contractId: spec.contractId,
        closedPeriodStart: existing.periodStart,
        closedPeriodEnd: existing.periodEnd,
        closedConsumedUnits: existing.consumedUnits,
        periodStart: period.start,
        periodEnd: period.end,
        includedUnits,
        overageAllowed: spec.overageAllowed,
        thresholdPercents: spec.thresholdPercents,
        at,
      });
    }
  }
  for (const allowance of sortedValues(out.state.allowances)) {
    if (allowance.status === 'closed' || desired.has(allowance.featureCode)) continue;
    out.emit({
      type: 'AllowanceClosed',
      featureCode: allowance.featureCode,
      periodStart: allowance.periodStart,
      consumedUnits: allowance.consumedUnits,
      reason: closedReason(out.state.contracts[allowance.contractId], date),
      at,
    });
  }

  // Seats: the sum over contracts in force.
  const seats = new Map<string, number>();
  for (const grants of inForce) for (const seat of grants.seats) seats.set(seat.featureCode, (seats.get(seat.featureCode) ?? 0) + seat.seats);
  for (const featureCode of [...new Set([...seats.keys(), ...Object.keys(out.state.seats)])].sort()) {
    const previousSeats = out.state.seats[featureCode] ?? 0;
    const current = seats.get(featureCode) ?? 0;
    if (current !== previousSeats) out.emit({ type: 'SeatsChanged', featureCode, seats: current, previousSeats, at });
  }

  // Flags: enabled when any contract in force enables it; a flag no contract mentions any more is switched off.
  const flags = new Map<string, boolean>();
  for (const grants of inForce) for (const flag of grants.flags) flags.set(flag.featureCode, (flags.get(flag.featureCode) ?? false) || flag.enabled);
  for (const featureCode of [...new Set([...flags.keys(), ...Object.keys(out.state.flags)])].sort()) {
    const enabled = flags.get(featureCode) ?? false;
    if (out.state.flags[featureCode] !== enabled && (flags.has(featureCode) || out.state.flags[featureCode] === true)) {
      out.emit({ type: 'FeatureFlagSet', featureCode, enabled, at });
    }
  }

  // Prepaid credits written into the contract: granted once, while the contract is in force.
  for (const grants of inForce) {
    for (const credit of grants.credits) {
      if (out.state.credits[credit.creditId] !== undefined) continue;
      if (Object.keys(out.state.credits).length >= CREDIT_GRANTS_PER_CUSTOMER_MAX) {
        throw reject('LIMIT_EXCEEDED', `more than ${CREDIT_GRANTS_PER_CUSTOMER_MAX} credit grants`);
      }
      out.emit(creditsGranted(credit, grants.contractId, at));
    }
  }
  for (const credit of sortedValues(out.state.credits)) {
    if (credit.status === 'active' && credit.expiresOn <= date && credit.remainingUnits.gt(ZERO)) {
      out.emit({
        type: 'CreditsExpired',
        creditId: credit.creditId,
        featureCode: credit.featureCode,
        expiredUnits: credit.remainingUnits,
        expiresOn: credit.expiresOn,
        at,
      });
    }
  }
}

function closedReason(contract: NotedContract | undefined, date: string): AllowanceClosedReason {
  if (contract?.terminatedOn !== null && contract?.terminatedOn !== undefined && date >= contract.terminatedOn) return 'contract_terminated';
  if (contract !== undefined && grantsInForce(contract, date) === undefined) return 'contract_ended';
  return 'line_removed';
}

// ---------------------------------------------------------------------------------------------------------------
// Usage

/** Usage for a customer with no terms noted yet is held (its terms are on their way), not rejected. */
function consumeOrHold(out: Emitter, usage: UsageAccepted, options: DecideOptions): void {
  try {
    consume(out, usage);
  } catch (error) {
    if (!(error instanceof DomainError) || error.reasonCode !== 'UNKNOWN_FEATURE' || Object.keys(out.state.contracts).length > 0) throw error;
    hold(out, usage, options);
  }
}

function hold(out: Emitter, usage: UsageAccepted, options: DecideOptions): void {
  const held = heldUsageOf(out.state);
  if (held.length >= options.heldUsageMax) {
    throw reject('HELD_USAGE_LIMIT', `usage ${usage.usageEventId}: ${held.length} usage events already held waiting for terms`, {
      usageEventId: usage.usageEventId,
      heldUsageMax: String(options.heldUsageMax),
    });
  }
  out.emit({
    type: 'UsageHeldUntilTerms',
    usageEventId: usage.usageEventId,
    meterCode: usage.meterCode,
    eventTime: usage.eventTime,
    quantity: usage.quantity,
    at: usage.now,
  });
}

function consume(out: Emitter, usage: UsageAccepted): void {
  if (usage.usageEventId.trim().length === 0) throw reject('MISSING_FIELD', 'usageEventId is empty');
  if (usage.meterCode.trim().length === 0) throw reject('MISSING_FIELD', 'meterCode is empty');
  if (!isIsoInstant(usage.eventTime)) throw reject('INVALID_TIMESTAMP', `eventTime ${JSON.stringify(usage.eventTime)}`);
  if (usage.quantity.lt(ZERO)) {
    throw reject('NEGATIVE_QUANTITY', `usage ${usage.usageEventId} has quantity ${usage.quantity.toString()}`, {
      usageEventId: usage.usageEventId,
    });
  }
  const date = dateOf(usage.eventTime);
  // Usage past the live period rolls it over first, so it never counts against the wrong month if a tick is late.
  if (liveAllowances(out.state, usage.meterCode).some((allowance) => allowance.periodEnd <= date)) reconcile(out, usage.eventTime);

  const allowances = liveAllowances(out.state, usage.meterCode);
  const credits = usableCredits(out.state, usage.meterCode, date);
  if (allowances.length === 0 && credits.length === 0) {
    const known =
      Object.values(out.state.allowances).some((allowance) => allowance.meterCode === usage.meterCode) ||
      Object.values(out.state.credits).some((credit) => credit.meterCode === usage.meterCode);
    throw reject(
      known ? 'NO_ACTIVE_ENTITLEMENT' : 'UNKNOWN_FEATURE',
      `usage ${usage.usageEventId} of meter ${usage.meterCode} has no ${known ? 'active ' : ''}entitlement`,
      { usageEventId: usage.usageEventId, meterCode: usage.meterCode },
    );
  }
  if (usage.quantity.eq(ZERO)) return;

  const billing = allowances.find((allowance) => allowance.role === 'billing');
  for (const allowance of allowances) {
    if (date < allowance.periodStart) {
      out.emit({
        type: 'LateUsageRecorded',
        featureCode: allowance.featureCode,
        periodStart: allowance.periodStart,
        usageEventId: usage.usageEventId,
        eventTime: usage.eventTime,
        quantity: usage.quantity,
      });
      continue;
    }
    const overage = consumeInto(out, allowance, usage);
    if (allowance.role === 'billing' && overage.gt(ZERO)) burnCredits(out, usage, overage);
  }
  // No allowance for the meter: prepaid credits cover it from the first unit.
  if (billing === undefined) burnCredits(out, usage, usage.quantity);
}

/** Counts usage against one allowance; returns the units beyond the allowance. */
function consumeInto(out: Emitter, allowance: Allowance, usage: UsageAccepted): Big {
  const before = allowance.consumedUnits;
  const room = allowance.includedUnits.minus(before);
  const includedQuantity = room.lte(ZERO) ? ZERO : room.lt(usage.quantity) ? room : usage.quantity;
  const overageQuantity = usage.quantity.minus(includedQuantity);
  out.emit({
    type: 'UsageConsumed',
    featureCode: allowance.featureCode,
    periodStart: allowance.periodStart,
    usageEventId: usage.usageEventId,
    eventTime: usage.eventTime,
    quantity: usage.quantity,
    includedQuantity,
    overageQuantity,
  });
  const after = before.plus(usage.quantity);
  const included = allowance.includedUnits;
  if (included.gt(ZERO)) {
    const counted = allowance.overageAllowed ? after : before.plus(includedQuantity);
    for (const percent of allowance.thresholdPercents) {
      if (allowance.thresholdsReached.includes(percent)) continue;
      const threshold = included.times(percent).div(HUNDRED);
      if (before.lt(threshold) && after.gte(threshold)) {
        out.emit({
          type: 'ThresholdReached',
          featureCode: allowance.featureCode,
          periodStart: allowance.periodStart,
          percent,
          usageEventId: usage.usageEventId,
          eventTime: usage.eventTime,
          consumedUnits: counted,
          includedUnits: included,
        });
      }
    }
    if (allowance.status === 'open' && before.lt(included) && after.gte(included)) {
      out.emit({
        type: 'AllowanceExhausted',
        featureCode: allowance.featureCode,
        periodStart: allowance.periodStart,
        usageEventId: usage.usageEventId,
        eventTime: usage.eventTime,
        consumedUnits: counted,
        includedUnits: included,
      });
    }
  }
  return overageQuantity;
}

/** Burns prepaid credits: lowest priority number first, then the earliest expiry, then the credit id. */
function burnCredits(out: Emitter, usage: UsageAccepted, units: Big): void {
  let left = units;
  for (const credit of usableCredits(out.state, usage.meterCode, dateOf(usage.eventTime))) {
    if (left.lte(ZERO)) return;
    const burned = credit.remainingUnits.lt(left) ? credit.remainingUnits : left;
    const remainingUnits = credit.remainingUnits.minus(burned);
    left = left.minus(burned);
    out.emit({
      type: 'CreditsBurned',
      creditId: credit.creditId,
      featureCode: credit.featureCode,
      units: burned,
      remainingUnits,
      usageEventId: usage.usageEventId,
      eventTime: usage.eventTime,
    });
    if (!credit.lowBalanceNotified && remainingUnits.lte(credit.lowBalanceUnits)) {
      out.emit({
        type: 'CreditBalanceLow',
        creditId: credit.creditId,
        featureCode: credit.featureCode,
        remainingUnits,
        lowBalanceUnits: credit.lowBalanceUnits,
        usageEventId: usage.usageEventId,
        eventTime: usage.eventTime,
      });
    }
  }
}

function liveAllowances(state: EntitlementsState, meterCode: string): Allowance[] {
  return sortedValues(state.allowances)
    .filter((allowance) => allowance.meterCode === meterCode && allowance.status !== 'closed')
    .sort((a, b) => (a.role === b.role ? 0 : a.role === 'billing' ? -1 : 1));
}

export function usableCredits(state: EntitlementsState, meterCode: string, date: string): CreditBalance[] {
  return Object.values(state.credits)
    .filter(
      (credit) =>
        credit.status === 'active' &&
        credit.meterCode === meterCode &&
        credit.validFrom <= date &&
        date < credit.expiresOn &&
        credit.remainingUnits.gt(ZERO),
    )
    .sort(
      (a, b) =>
        a.priority - b.priority ||
        (a.expiresOn < b.expiresOn ? -1 : a.expiresOn > b.expiresOn ? 1 : 0) ||
        (a.creditId < b.creditId ? -1 : a.creditId > b.creditId ? 1 : 0),
    );
}

// ---------------------------------------------------------------------------------------------------------------
// Validation

function creditsGranted(credit: CreditGrantTerms, contractId: string | null, at: string): EntitlementEvent {
  return {
    type: 'CreditsGranted',
    creditId: credit.creditId,
    meterCode: credit.meterCode,
    featureCode: creditsFeatureCode(credit.meterCode),
    units: credit.units,
    validFrom: credit.validFrom,
    expiresOn: credit.expiresOn,
    priority: credit.priority,
    lowBalanceUnits: credit.lowBalanceUnits,
    contractId,
    at,
  };
}

function validateGrants(grants: ContractGrants): void {
  if (grants.contractId.trim().length === 0) throw reject('MISSING_FIELD', 'contractId is empty');
  for (const date of [grants.effectiveDate, grants.endDate, grants.contractStartDate]) {
    if (!isIsoDate(date)) throw reject('INVALID_DATE', `${JSON.stringify(date)} is not a YYYY-MM-DD date`);
  }
  if (grants.effectiveDate >= grants.endDate) {
    throw reject('START_AFTER_END', `terms effective ${grants.effectiveDate} end on ${grants.endDate}`, { contractId: grants.contractId });
  }
  // The pool calendar cuts pools at the contract's end: a contract must start before it ends.
  if (grants.contractStartDate >= grants.endDate) {
    throw reject('START_AFTER_END', `contract starting ${grants.contractStartDate} ends on ${grants.endDate}`, { contractId: grants.contractId });
  }
  if (!Number.isSafeInteger(grants.termsVersion) || grants.termsVersion < 1) {
    throw reject('MISSING_FIELD', `termsVersion ${grants.termsVersion} is not a positive integer`);
  }
  for (const metered of grants.metered) {
    if (metered.meterCode.trim().length === 0) throw reject('MISSING_FIELD', 'meterCode is empty');
    if (metered.includedUnitsPerMonth.lt(ZERO)) throw reject('INVALID_QUANTITY', `${metered.meterCode}: negative included units`);
    if (metered.thresholdPercents.length > THRESHOLDS_PER_ALLOWANCE_MAX) throw reject('LIMIT_EXCEEDED', `${metered.meterCode}: too many thresholds`);
    for (const percent of metered.thresholdPercents) {
      if (!Number.isSafeInteger(percent) || percent <= 0 || percent > 100) {
        throw reject('INVALID_THRESHOLD', `${metered.meterCode}: threshold ${percent}% is not an integer in 1..100`);
      }
    }
  }
  for (const seat of grants.seats) {
    if (!Number.isSafeInteger(seat.seats) || seat.seats < 0) throw reject('INVALID_QUANTITY', `${seat.featureCode}: ${seat.seats} seats`);
  }
  for (const credit of grants.credits) validateCredit(credit);
}

function validateCredit(credit: CreditGrantTerms): void {
  if (credit.creditId.trim().length === 0 || credit.meterCode.trim().length === 0) throw reject('MISSING_FIELD', 'credit id or meter is empty');
  if (!isIsoDate(credit.validFrom) || !isIsoDate(credit.expiresOn)) throw reject('INVALID_DATE', `credit ${credit.creditId} dates`);
  if (credit.validFrom >= credit.expiresOn) throw reject('START_AFTER_END', `credit ${credit.creditId} expires before it starts`);
  if (!credit.units.gt(ZERO) || credit.lowBalanceUnits.lt(ZERO) || !Number.isSafeInteger(credit.priority)) {
    throw reject('INVALID_QUANTITY', `credit ${credit.creditId}: units must be positive, low balance not negative`);
  }
}

