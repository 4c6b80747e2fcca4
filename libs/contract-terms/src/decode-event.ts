import type * as wire from '@billing/schemas';
import type { ContractChange, ContractVersion } from './contract-event';
import { contractTermsFromWire } from './decode-terms';

/** The envelope fields and payload a contract event is read from (a decoded record, or the runtime's envelope). */
export type ContractEventRecord = Pick<wire.ContractEvent, 'customerId' | 'occurredAt' | 'payload'>;

type WireVersion = wire.ContractCreated | wire.ContractAmended | wire.ContractRenewed;

function version(record: ContractEventRecord, type: ContractVersion['type'], value: WireVersion, previousEndDate: string | null): ContractVersion {
  return {
    kind: 'version',
    type,
    customerId: record.customerId,
    occurredAt: record.occurredAt,
    contractId: value.contractId,
    dealId: value.dealId,
    crmSource: value.crmSource,
    dealEventId: value.dealEventId,
    version: value.version,
    effectiveDate: value.effectiveDate,
    endDate: value.endDate,
    previousEndDate,
    terms: contractTermsFromWire(value.terms),
  };
}

/**
 * A contracts.events.v1 record as a contract version (Created / Amended / Renewed) or a termination, in the one
 * vocabulary. The only reader of that topic's payloads: services branch on `kind`, never on the wire union.
 */
export function contractEventFromWire(record: ContractEventRecord): ContractChange {
  const payload = record.payload;
  if ('billing.contracts.ContractCreated' in payload) return version(record, 'ContractCreated', payload['billing.contracts.ContractCreated'], null);
  if ('billing.contracts.ContractAmended' in payload) return version(record, 'ContractAmended', payload['billing.contracts.ContractAmended'], null);
  if ('billing.contracts.ContractRenewed' in payload) {
    const renewed = payload['billing.contracts.ContractRenewed'];
    return version(record, 'ContractRenewed', renewed, renewed.previousEndDate);
  }
  const terminated = payload['billing.contracts.ContractTerminated'];
  return {
    kind: 'termination',
    type: 'ContractTerminated',
    customerId: record.customerId,
    occurredAt: record.occurredAt,
    contractId: terminated.contractId,
    dealId: terminated.dealId,
    crmSource: terminated.crmSource,
    dealEventId: terminated.dealEventId,
    effectiveDate: terminated.effectiveDate,
    reason: terminated.reason,
  };
}
