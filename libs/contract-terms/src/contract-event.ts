import type { ContractTerms } from './terms';

/** What every contract event says about itself: the customer (the record key), the contract and the deal event behind it. */
interface ContractEventHeader {
  readonly customerId: string;
  /** The platform time the contracts service decided it (the envelope's occurredAt): consumers' `now`. */
  readonly occurredAt: string;
  readonly contractId: string;
  readonly dealId: string;
  readonly crmSource: string;
  readonly dealEventId: string;
}

/**
 * One immutable terms version (ContractCreated, ContractAmended, ContractRenewed): `terms` apply on
 * [effectiveDate, endDate); older versions still answer for earlier dates.
 */
export interface ContractVersion extends ContractEventHeader {
  readonly kind: 'version';
  readonly type: 'ContractCreated' | 'ContractAmended' | 'ContractRenewed';
  /** Monotonic per contract. */
  readonly version: number;
  readonly effectiveDate: string;
  /** Exclusive. */
  readonly endDate: string;
  /** A renewal's end before it (exclusive); null for the other versions. */
  readonly previousEndDate: string | null;
  readonly terms: ContractTerms;
}

/** The contract ends early (ContractTerminated): nothing applies from `effectiveDate` on. */
export interface ContractTermination extends ContractEventHeader {
  readonly kind: 'termination';
  readonly type: 'ContractTerminated';
  /** The first day without the contract. */
  readonly effectiveDate: string;
  readonly reason: string;
}

export type ContractChange = ContractVersion | ContractTermination;

/**
 * What every consumer makes of a termination: the same command in metering, rating and entitlements (each decides
 * what ending early means for it). `effectiveDate` stays a plain date; instant parsers read it as its UTC midnight.
 */
export interface ContractTerminationReceived {
  readonly type: 'ContractTerminationReceived';
  /** The termination's occurredAt: the platform time it was decided. */
  readonly now: string;
  readonly customerId: string;
  readonly contractId: string;
  /** The first day without the contract, `YYYY-MM-DD`. */
  readonly effectiveDate: string;
}

export function terminationReceived(termination: ContractTermination): ContractTerminationReceived {
  return {
    type: 'ContractTerminationReceived',
    now: termination.occurredAt,
    customerId: termination.customerId,
    contractId: termination.contractId,
    effectiveDate: termination.effectiveDate,
  };
}
