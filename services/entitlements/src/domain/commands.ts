import { Big } from '@billing/money';
import { ContractGrants } from './grants';
import type { ContractTerminationReceived } from '@billing/contract-terms';

/** From contracts.events.v1 (ContractCreated / ContractAmended / ContractRenewed): what a terms version grants. */
export interface ContractTermsReceived {
  readonly type: 'ContractTermsReceived';
  readonly now: string;
  readonly customerId: string;
  readonly grants: ContractGrants;
}

/** The contract ends early (ContractTerminated, the published language's command): its allowances close at `effectiveDate`. */
export type { ContractTerminationReceived };

/** From metering.usage.v1: accepted, deduplicated usage. */
export interface UsageAccepted {
  readonly type: 'UsageAccepted';
  readonly now: string;
  readonly customerId: string;
  readonly usageEventId: string;
  readonly meterCode: string;
  readonly quantity: Big;
  readonly eventTime: string;
}

/** From platform.clock.v1, delivered to every aggregate of the partition. */
export interface ClockTicked {
  readonly type: 'ClockTicked';
  readonly now: string;
}

/** An ad-hoc grant outside a contract (a top-up purchase, a support gesture). */
export interface GrantCredits {
  readonly type: 'GrantCredits';
  readonly now: string;
  readonly customerId: string;
  readonly creditId: string;
  readonly meterCode: string;
  readonly units: Big;
  readonly validFrom: string;
  readonly expiresOn: string;
  readonly priority: number;
  readonly lowBalanceUnits: Big;
}

export type EntitlementCommand = ContractTermsReceived | ContractTerminationReceived | UsageAccepted | ClockTicked | GrantCredits;
