import { ContractTerms } from './terms';

/**
 * Commands of the contracts decider: one per deal event on crm.deals.v1. Each carries the CRM's deal event id
 * (idempotency key) and the platform time `now` at which it is decided.
 */
interface DealEventBase {
  readonly now: string;
  /** The CRM connector's id of this deal event: the same id twice takes effect once. */
  readonly dealEventId: string;
  /** The CRM's deal (opportunity) id; the contract is identified by crmSource + dealId. */
  readonly dealId: string;
  readonly crmSource: string;
}

export interface DealClosedWon extends DealEventBase {
  readonly type: 'DealClosedWon';
  readonly terms: ContractTerms;
}

/** The full new terms (a CRM sends the whole deal), applying from effectiveDate. */
export interface DealAmended extends DealEventBase {
  readonly type: 'DealAmended';
  readonly effectiveDate: string;
  readonly terms: ContractTerms;
}

/**
 * Renewal for termMonths more. With terms: the renewal's own terms (their startDate must not precede the current
 * end); with null: the latest terms carried over, starting at the current end.
 */
export interface DealRenewed extends DealEventBase {
  readonly type: 'DealRenewed';
  readonly termMonths: number;
  readonly terms: ContractTerms | null;
}

export interface DealCancelled extends DealEventBase {
  readonly type: 'DealCancelled';
  /** First day the contract no longer applies. */
  readonly effectiveDate: string;
  readonly reason: string;
}

export type ContractCommand = DealClosedWon | DealAmended | DealRenewed | DealCancelled;
