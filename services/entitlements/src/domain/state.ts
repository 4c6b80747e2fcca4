import { Big } from '@billing/money';
import { AllowanceClosedReason, AllowanceRole } from './events';
import { ContractGrants } from './grants';
import { BillingAlignment, PeriodUnit } from './periods';

export const CONTRACTS_PER_CUSTOMER_MAX = 1_000;
export const TERMS_VERSIONS_PER_CONTRACT_MAX = 1_000;
export const FEATURES_PER_CUSTOMER_MAX = 1_000;
export const CREDIT_GRANTS_PER_CUSTOMER_MAX = 1_000;
export const THRESHOLDS_PER_ALLOWANCE_MAX = 10;
/** Default bound on usage held while a customer's terms are on their way (config: heldUsageMax). */
export const HELD_USAGE_MAX_DEFAULT = 100_000;

export interface NotedContract {
  readonly contractId: string;
  /** by terms version, ascending */
  readonly versions: readonly ContractGrants[];
  readonly terminatedOn: string | null;
}

interface AllowanceBase {
  readonly featureCode: string;
  readonly meterCode: string;
  readonly contractId: string;
  readonly role: AllowanceRole;
  readonly periodUnit: PeriodUnit;
  readonly alignment: BillingAlignment;
  readonly anchorDate: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly includedUnits: Big;
  /** with overage allowed: every unit used (may exceed included); without: capped at included */
  readonly consumedUnits: Big;
  readonly overageAllowed: boolean;
  readonly thresholdPercents: readonly number[];
  readonly thresholdsReached: readonly number[];
}

export type Allowance =
  | (AllowanceBase & { readonly status: 'open' })
  | (AllowanceBase & { readonly status: 'exhausted'; readonly exhaustedByUsageEventId: string; readonly exhaustedAt: string })
  | (AllowanceBase & { readonly status: 'closed'; readonly closedReason: AllowanceClosedReason; readonly closedAt: string });

export interface CreditBalance {
  readonly status: 'active' | 'expired';
  readonly creditId: string;
  readonly meterCode: string;
  readonly featureCode: string;
  readonly grantedUnits: Big;
  readonly remainingUnits: Big;
  readonly validFrom: string;
  readonly expiresOn: string;
  readonly priority: number;
  readonly lowBalanceUnits: Big;
  readonly lowBalanceNotified: boolean;
  readonly contractId: string | null;
}

/** Usage waiting for the customer's first terms, as it arrived. */
export interface HeldUsage {
  readonly usageEventId: string;
  readonly meterCode: string;
  readonly eventTime: string;
  readonly quantity: Big;
}

/** Per aggregate = customer account. */
export interface EntitlementsState {
  readonly customerId: string | null;
  readonly contracts: Readonly<Record<string, NotedContract>>;
  readonly allowances: Readonly<Record<string, Allowance>>;
  readonly credits: Readonly<Record<string, CreditBalance>>;
  readonly seats: Readonly<Record<string, number>>;
  readonly flags: Readonly<Record<string, boolean>>;
  /** in arrival order; only while no terms were ever noted (bounded by heldUsageMax) */
  readonly heldUsage: readonly HeldUsage[];
}

export const initialEntitlementsState: EntitlementsState = {
  customerId: null,
  contracts: {},
  allowances: {},
  credits: {},
  seats: {},
  flags: {},
  heldUsage: [],
};

/** Snapshots written before usage could be held have no `heldUsage`: read them as holding none. */
export function heldUsageOf(state: EntitlementsState): readonly HeldUsage[] {
  return state.heldUsage ?? [];
}

/** The grants of a contract in force on `date`: the latest version whose [effectiveDate, endDate) holds it. */
export function grantsInForce(contract: NotedContract, date: string): ContractGrants | undefined {
  if (contract.terminatedOn !== null && date >= contract.terminatedOn) return undefined;
  let inForce: ContractGrants | undefined;
  for (const version of contract.versions) {
    if (version.effectiveDate <= date && date < version.endDate) inForce = version;
  }
  return inForce;
}
