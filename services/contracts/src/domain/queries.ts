import { instantAtOrBefore } from '@billing/calendar';
import { Contract, ContractsState, TermsVersion } from './state';
import { PriceLine } from './terms';

export interface TermsQuery {
  /** only this contract (default: every contract of the customer) */
  readonly contractId?: string;
  /** transaction time: answer as the platform knew it at this instant (default: everything recorded) */
  readonly knownAt?: string;
}

/**
 * Which terms applied on `date` (valid time), one version per contract in force that day, sorted by contract id.
 * Rule: among the versions whose [effectiveDate, endDate) holds the date, the latest recorded wins, so an
 * amendment effective 2026-02-01 changes nothing before February, and a later retroactive amendment supersedes.
 * A terminated contract applies before its termination date only.
 */
export function termsOn(state: ContractsState, date: string, query: TermsQuery = {}): TermsVersion[] {
  const contracts = Object.values(state.contracts)
    .filter((contract) => query.contractId === undefined || contract.contractId === query.contractId)
    .sort((a, b) => (a.contractId < b.contractId ? -1 : a.contractId > b.contractId ? 1 : 0));
  const applied: TermsVersion[] = [];
  for (const contract of contracts) {
    const version = contractTermsOn(contract, date, query.knownAt);
    if (version !== undefined) applied.push(version);
  }
  return applied;
}

export function contractTermsOn(contract: Contract, date: string, knownAt?: string): TermsVersion | undefined {
  const known = (recordedAt: string) => knownAt === undefined || instantAtOrBefore(recordedAt, knownAt);
  if (contract.status === 'terminated' && known(contract.terminatedAt) && date >= contract.terminatedOn) return undefined;
  let applied: TermsVersion | undefined;
  for (const version of contract.versions) {
    if (!known(version.recordedAt)) continue;
    if (version.effectiveDate <= date && date < version.endDate) applied = version;
  }
  return applied;
}

/** Every version of a contract, oldest first (older versions stay queryable). */
export function termsHistory(state: ContractsState, contractId: string): readonly TermsVersion[] {
  return state.contracts[contractId]?.versions ?? [];
}

/**
 * The line as priced on `date`: the ramp covering the date replaces the base price (and seat count);
 * outside every ramp the base price applies.
 */
export function linePriceOn<L extends PriceLine>(line: L, date: string): L {
  switch (line.kind) {
    case 'recurring_fee': {
      const ramp = line.ramps.find((candidate) => candidate.startDate <= date && date < candidate.endDate);
      return ramp === undefined ? line : { ...line, amountPerPeriod: ramp.amountPerPeriod };
    }
    case 'seats': {
      const ramp = line.ramps.find((candidate) => candidate.startDate <= date && date < candidate.endDate);
      return ramp === undefined ? line : { ...line, unitPricePerPeriod: ramp.unitPricePerPeriod, seats: ramp.seats };
    }
    case 'usage': {
      const ramp = line.ramps.find((candidate) => candidate.startDate <= date && date < candidate.endDate);
      return ramp === undefined ? line : { ...line, pricingModel: ramp.pricingModel };
    }
    default:
      return line;
  }
}
