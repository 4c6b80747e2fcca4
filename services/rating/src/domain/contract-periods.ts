import { invariant } from '@billing/eventsourcing';
import type { CommitScope } from './commands';
import { billingPeriodOf, nextBillingPeriod, type BillingPeriod } from '@billing/calendar';
import type { RatedContract, TermsVersion } from './state';

const CONTRACT_PERIODS_MAX = 1_200;

export function firstPeriod(contract: RatedContract): BillingPeriod {
  return billingPeriodOf(contract.startMs, contract.billingPeriodAlignment, contract.startDate);
}

export function periodAfter(contract: RatedContract, period: BillingPeriod): BillingPeriod {
  return nextBillingPeriod(period, contract.billingPeriodAlignment, contract.startDate);
}

export function isLastPeriod(contract: RatedContract, period: BillingPeriod): boolean {
  return Date.parse(period.periodEnd) >= contract.endMs;
}

/** The terms pricing a period: the newest version in effect at its start (the earliest version before any). */
export function versionFor(contract: RatedContract, periodStartMs: number): TermsVersion {
  invariant(contract.versions.length > 0, `contract ${contract.contractId} has no terms`);
  let chosen = contract.versions[0];
  for (const version of contract.versions) if (version.effectiveFromMs <= periodStartMs) chosen = version;
  return chosen;
}

/** Periods whose end + grace the clock has passed and that are not rated yet, in order. */
export function periodsDue(contract: RatedContract, nowMs: number, graceMs: number, periodsMax: number): BillingPeriod[] {
  const due: BillingPeriod[] = [];
  let period =
    contract.closedThroughMs === null
      ? firstPeriod(contract)
      : billingPeriodOf(contract.closedThroughMs, contract.billingPeriodAlignment, contract.startDate);
  while (Date.parse(period.periodEnd) + graceMs <= nowMs && Date.parse(period.periodStart) < contract.endMs) {
    invariant(due.length < periodsMax, `one tick would rate more than ${periodsMax} periods of contract ${contract.contractId}`);
    due.push(period);
    period = periodAfter(contract, period);
  }
  return due;
}

export interface Pool {
  readonly poolId: string;
  readonly poolStart: string;
  readonly poolEnd: string;
  readonly periods: readonly BillingPeriod[];
}

const POOL_SIZE: Record<Exclude<CommitScope, 'monthly'>, number> = { pooled_quarterly: 3, pooled_annual: 12 };

/** The pool (3 or 12 consecutive periods from the contract's first, cut at the contract's end) holding `period`. */
export function poolOf(contract: RatedContract, period: BillingPeriod, scope: Exclude<CommitScope, 'monthly'>): Pool {
  const size = POOL_SIZE[scope];
  let cursor = firstPeriod(contract);
  let index = 0;
  while (cursor.periodId !== period.periodId) {
    invariant(index < CONTRACT_PERIODS_MAX && Date.parse(cursor.periodStart) <= Date.parse(period.periodStart), `period ${period.periodId} is not a period of contract ${contract.contractId}`);
    cursor = periodAfter(contract, cursor);
    index += 1;
  }
  const firstIndex = index - (index % size);
  let member = firstPeriod(contract);
  for (let step = 0; step < firstIndex; step += 1) member = periodAfter(contract, member);
  const periods: BillingPeriod[] = [];
  for (let step = 0; step < size; step += 1) {
    periods.push(member);
    if (isLastPeriod(contract, member)) break;
    member = periodAfter(contract, member);
  }
  const first = periods[0];
  const last = periods[periods.length - 1];
  return { poolId: `${first.periodId}..${last.periodId}`, poolStart: first.periodStart, poolEnd: last.periodEnd, periods };
}
