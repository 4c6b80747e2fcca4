import type { ContractTerms } from '@billing/contract-terms';
import { invariant } from '@billing/eventsourcing';
import type { ContractRecord, NotedVersion } from './state';

/** The version in effect on `day` (the highest-numbered one whose [effectiveDate, endDate) holds it), null past the end. */
export function versionOn(record: ContractRecord, day: string): NotedVersion | null {
  if (record.terminationDate !== null && day >= record.terminationDate) return null;
  let found: NotedVersion | null = null;
  for (const version of record.versions) {
    if (version.effectiveDate <= day && day < version.endDate && (found === null || version.version > found.version)) found = version;
  }
  return found;
}

/** The terms that speak for the contract at `date` (entity, currency, customer, PO, Net N): the latest version effective by then. */
export function termsAt(record: ContractRecord, date: string): ContractTerms {
  invariant(record.versions.length > 0, `contract ${record.contractId} has no versions`);
  let found: NotedVersion = record.versions[0];
  for (const version of record.versions) {
    if (version.effectiveDate <= date && (version.effectiveDate > found.effectiveDate || version.version > found.version)) found = version;
  }
  return found.terms;
}

/** The contract's first day: the first version's start date. */
export function contractStartOf(record: ContractRecord): string {
  return record.versions.reduce((earliest, version) => (version.terms.startDate < earliest ? version.terms.startDate : earliest), record.versions[0].terms.startDate);
}

/** The first day without the contract: its latest end, or its termination when earlier. */
export function contractEndOf(record: ContractRecord): string {
  const end = record.versions.reduce((latest, version) => (version.endDate > latest ? version.endDate : latest), record.versions[0].endDate);
  return record.terminationDate !== null && record.terminationDate < end ? record.terminationDate : end;
}

export function hasUsageLines(record: ContractRecord): boolean {
  return record.versions.some((version) => version.terms.priceLines.some((line) => line.kind === 'usage'));
}
