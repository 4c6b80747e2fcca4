import { invariant } from '@billing/eventsourcing';
import type { CommitScope } from './commands';
import { billingPeriodOf, dateOf, nextBillingPeriod, poolOf as poolOfDate, type BillingPeriod, type PoolMonths } from '@billing/calendar';
import type { RatedContract, TermsVersion } from './state';

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

const POOL_MONTHS: Record<Exclude<CommitScope, 'monthly'>, PoolMonths> = { pooled_quarterly: 3, pooled_annual: 12 };

/** The pool holding `period`, by the one pool calendar (a pool follows the contract's billing alignment). */
export function poolOf(contract: RatedContract, period: BillingPeriod, scope: Exclude<CommitScope, 'monthly'>): Pool {
  const contractEnd = Number.isFinite(contract.endMs) ? dateOf(new Date(contract.endMs).toISOString()) : null;
  const pool = poolOfDate(dateOf(period.periodStart), contract.billingPeriodAlignment, dateOf(contract.startDate), contractEnd, POOL_MONTHS[scope]);
  invariant(pool.periods.some((member) => member.periodId === period.periodId), `period ${period.periodId} is not a period of contract ${contract.contractId}`);
  const last = pool.periods[pool.periods.length - 1];
  return { poolId: pool.poolId, poolStart: pool.periods[0].periodStart, poolEnd: last.periodEnd, periods: pool.periods };
}
