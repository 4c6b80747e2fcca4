import { ContractTerms } from './terms';

/**
 * Events of contracts.events.v1. Every terms-bearing event is a new immutable terms version; older versions stay
 * in the state (and on the log), so "which terms applied on date D" is always answerable (see termsOn).
 * endDate is exclusive: a 12-month term from 2026-01-01 has endDate 2027-01-01.
 */
interface ContractEventBase {
  readonly contractId: string;
  readonly dealId: string;
  readonly crmSource: string;
  readonly dealEventId: string;
  readonly customerId: string;
  /** platform time of the deal event's processing (the envelope's occurredAt) */
  readonly occurredAt: string;
}

export interface ContractCreated extends ContractEventBase {
  readonly type: 'ContractCreated';
  readonly version: number;
  readonly effectiveDate: string;
  readonly endDate: string;
  readonly terms: ContractTerms;
}

export interface ContractAmended extends ContractEventBase {
  readonly type: 'ContractAmended';
  readonly version: number;
  readonly effectiveDate: string;
  readonly endDate: string;
  readonly terms: ContractTerms;
}

export interface ContractRenewed extends ContractEventBase {
  readonly type: 'ContractRenewed';
  readonly version: number;
  readonly effectiveDate: string;
  readonly previousEndDate: string;
  readonly endDate: string;
  readonly terms: ContractTerms;
}

export interface ContractTerminated extends ContractEventBase {
  readonly type: 'ContractTerminated';
  readonly effectiveDate: string;
  readonly reason: string;
}

export type ContractEvent = ContractCreated | ContractAmended | ContractRenewed | ContractTerminated;
export type ContractEventType = ContractEvent['type'];
