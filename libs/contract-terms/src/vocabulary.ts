import type { BillingPeriodAlignment } from '@billing/calendar';

/**
 * The one vocabulary of contract terms every service reads contracts.events.v1 in. Dates are `YYYY-MM-DD` (UTC) and
 * every `endDate` is EXCLUSIVE (the first day not covered).
 */
export type BillingCadence = 'monthly' | 'quarterly' | 'annual';
/** calendar_month: periods start on the 1st; contract_anniversary: on the contract start's day (the calendar's names). */
export type BillingAlignment = BillingPeriodAlignment;
export type BillingTiming = 'in_advance' | 'in_arrears';
export type FeePeriod = 'month' | 'quarter' | 'year';
export type FeeCategory = 'platform' | 'subscription';
/** latest: the period's last reported value (a gauge, e.g. storage in use). */
export type UsageAggregation = 'sum' | 'count' | 'max' | 'unique_count' | 'latest';
/** monthly: included units per billing period; pooled_*: the periods' included units pooled over a quarter / year. */
export type CommitScope = 'monthly' | 'pooled_quarterly' | 'pooled_annual';
/** bill: usage beyond the allowance is billed as overage; block: the product must stop at the allowance. */
export type OveragePolicy = 'bill' | 'block';
export type ContactRole = 'billing' | 'technical' | 'legal' | 'primary';

/** Percentages of the allowance at which entitlements emits ThresholdReached when a usage line lists none. */
export const DEFAULT_THRESHOLD_PERCENTS: readonly number[] = [50, 80, 100];
