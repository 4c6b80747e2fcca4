import type { Big } from '@billing/money';
import type { ContractTerminationReceived, ContractTerms, ContractVersion } from '@billing/contract-terms';

/**
 * Invoicing's inputs, in neutral domain values (Big, ISO dates): the app's mappers translate contracts.events.v1
 * (through @billing/contract-terms), rating.events.v1 and the platform clock into these.
 */

/** A contract version (ContractCreated / ContractAmended / ContractRenewed): `terms` apply on [effectiveDate, endDate). */
export interface ContractVersionReceived {
  readonly type: 'ContractVersionReceived';
  readonly now: string;
  readonly customerId: string;
  readonly contractId: string;
  /** Monotonic per contract; a version already noted (or older) is ignored. */
  readonly version: number;
  readonly effectiveDate: string;
  /** Exclusive. */
  readonly endDate: string;
  readonly terms: ContractTerms;
}

/** The command a contract version of the published language makes (as `terminationReceived` does for terminations). */
export function contractVersionReceived(version: ContractVersion): ContractVersionReceived {
  return {
    type: 'ContractVersionReceived',
    now: version.occurredAt,
    customerId: version.customerId,
    contractId: version.contractId,
    version: version.version,
    effectiveDate: version.effectiveDate,
    endDate: version.endDate,
    terms: version.terms,
  };
}

export type { ContractTerminationReceived };

/** One usage price line of rating's PeriodRated (rating applied included units, credits, discounts and minimum). */
export interface RatedUsageLine {
  readonly priceLineId: string;
  readonly meterCode: string;
  readonly units: Big;
  readonly includedUnits: Big;
  readonly creditUnitsApplied: Big;
  readonly billableUnits: Big;
  readonly discountAmount: Big;
  readonly minimumTopUpAmount: Big;
  /** Exact (rating's 12 decimals); invoicing rounds it once. */
  readonly amount: Big;
}

/** rating's PeriodRated: the period-final rating of every usage line of a contract. */
export interface PeriodRatedReceived {
  readonly type: 'PeriodRatedReceived';
  readonly now: string;
  readonly customerId: string;
  readonly contractId: string;
  readonly currency: string;
  readonly periodId: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly lines: readonly RatedUsageLine[];
}

/** rating's LateUsageRated: `amount` = the period re-rated with the late usage minus the period as rated. */
export interface LateUsageRatedReceived {
  readonly type: 'LateUsageRatedReceived';
  readonly now: string;
  readonly customerId: string;
  readonly contractId: string;
  readonly currency: string;
  readonly priceLineId: string;
  readonly meterCode: string;
  readonly periodId: string;
  readonly usageEventId: string;
  readonly quantity: Big;
  readonly amount: Big;
}

export interface TrueUpLine {
  readonly priceLineId: string;
  readonly meterCode: string;
  readonly pooledUnits: Big;
  readonly pooledIncludedUnits: Big;
  readonly pooledAmount: Big;
  readonly chargedAmount: Big;
  readonly previouslyTruedUpAmount: Big;
  /** Negative: owed back to the customer. */
  readonly amount: Big;
}

/** rating's TrueUpCalculated: the pool re-rated with the pooled allowance minus what its periods were charged. */
export interface TrueUpCalculatedReceived {
  readonly type: 'TrueUpCalculatedReceived';
  readonly now: string;
  readonly customerId: string;
  readonly contractId: string;
  readonly currency: string;
  readonly poolId: string;
  readonly poolStart: string;
  readonly poolEnd: string;
  readonly periodIds: readonly string[];
  readonly lines: readonly TrueUpLine[];
}

/** A correction asked for by a person: credit `lines` of a final invoice, or all of it (`full`: voids it). */
export interface IssueCreditNote {
  readonly type: 'IssueCreditNote';
  readonly now: string;
  readonly invoiceNumber: string;
  readonly reason: string;
  readonly credit: { readonly kind: 'full' } | { readonly kind: 'lines'; readonly lines: readonly { readonly lineNumber: number; readonly amount: Big }[] };
}

/** The platform clock: billing dates pass, drafts become final, true-ups settle. */
export interface ClockTicked {
  readonly type: 'ClockTicked';
  readonly now: string;
}

export type InvoicingCommand =
  | ContractVersionReceived
  | ContractTerminationReceived
  | PeriodRatedReceived
  | LateUsageRatedReceived
  | TrueUpCalculatedReceived
  | IssueCreditNote
  | ClockTicked;
