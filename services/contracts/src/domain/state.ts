import { ContractTerms } from './terms';

/** Limits on what grows per customer (asserted: exceeding one is a LIMIT_EXCEEDED rejection). */
export const CONTRACTS_PER_CUSTOMER_MAX = 1_000;
export const TERMS_VERSIONS_PER_CONTRACT_MAX = 1_000;
export const DEAL_EVENTS_PER_CUSTOMER_MAX = 100_000;
export const PRICE_LINES_PER_CONTRACT_MAX = 200;
export const RAMPS_PER_LINE_MAX = 120;
export const TIERS_PER_PRICING_MAX = 50;
export const PREPAID_CREDITS_PER_CONTRACT_MAX = 200;
export const CONTRACT_TERM_MONTHS_MAX = 120;
export const PAYMENT_TERMS_DAYS_MAX = 365;

export type TermsVersionCause = 'created' | 'amended' | 'renewed';

/**
 * One immutable version of a contract's terms. Valid time: [effectiveDate, endDate); transaction time: recordedAt
 * (the platform time the deal event was processed).
 */
export interface TermsVersion {
  readonly contractId: string;
  readonly version: number;
  readonly cause: TermsVersionCause;
  readonly effectiveDate: string;
  readonly endDate: string;
  readonly recordedAt: string;
  readonly dealEventId: string;
  readonly terms: ContractTerms;
}

interface ContractBase {
  readonly contractId: string;
  readonly dealId: string;
  readonly crmSource: string;
  readonly customerId: string;
  readonly currency: string;
  /** the original start: amendments may not take effect before it */
  readonly startDate: string;
  /** exclusive; moves with renewals and term-changing amendments */
  readonly endDate: string;
  /** oldest first; versions[i].version === i + 1 */
  readonly versions: readonly TermsVersion[];
}

export type Contract =
  | (ContractBase & { readonly status: 'active' })
  | (ContractBase & {
      readonly status: 'terminated';
      readonly terminatedOn: string;
      readonly terminationReason: string;
      readonly terminatedAt: string;
    });

/** Per aggregate = customer account. */
export interface ContractsState {
  readonly contracts: Readonly<Record<string, Contract>>;
  /** Deal event ids already applied, for idempotency (value: contractId). */
  readonly dealEventIds: Readonly<Record<string, string>>;
  readonly dealEventCount: number;
}

export const initialContractsState: ContractsState = { contracts: {}, dealEventIds: {}, dealEventCount: 0 };

/** The contract id of a CRM deal: deterministic, so replays and other services agree on it. */
export function contractIdFor(crmSource: string, dealId: string): string {
  return `${crmSource}-${dealId}`;
}
