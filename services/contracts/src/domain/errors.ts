import { DomainError } from '@billing/eventsourcing';

/**
 * Every typed rejection of a deal event. The runtime routes a DomainError to contracts.dlq.v1 with its
 * reasonCode and counts it; the contract state is unchanged.
 *
 * DUPLICATE_DEAL_EVENT is a rejection, not a silent no-op, so a CRM connector's redelivery is visible and
 * counted in the DLQ metric; the deal event still takes effect exactly once (the first time).
 */
export const CONTRACT_REJECTIONS = [
  'DUPLICATE_DEAL_EVENT',
  'UNKNOWN_CURRENCY',
  'NEGATIVE_PRICE',
  'OVERLAPPING_RAMPS',
  'START_AFTER_END',
  'UNKNOWN_DEAL',
  'AMENDMENT_BEFORE_START',
  'AMENDMENT_AFTER_END',
  'CURRENCY_MISMATCH',
  'CUSTOMER_MISMATCH',
  'CONTRACT_ALREADY_EXISTS',
  'CONTRACT_TERMINATED',
  'CANCELLATION_BEFORE_START',
  'RENEWAL_OVERLAPS_TERM',
  'RAMP_OUTSIDE_TERM',
  'INVALID_DATE',
  'INVALID_TERM',
  'INVALID_PAYMENT_TERMS',
  'INVALID_QUANTITY',
  'INVALID_TIERS',
  'INVALID_DISCOUNT',
  'INVALID_PRICING',
  'INVALID_THRESHOLD',
  'DUPLICATE_LINE',
  'DUPLICATE_METER',
  'NO_PRICE_LINES',
  'MISSING_FIELD',
  'LIMIT_EXCEEDED',
] as const;
export type ContractRejection = (typeof CONTRACT_REJECTIONS)[number];

export function reject(
  reasonCode: ContractRejection,
  message: string,
  details: Readonly<Record<string, string>> = {},
): DomainError {
  return new DomainError(reasonCode, message, details);
}
