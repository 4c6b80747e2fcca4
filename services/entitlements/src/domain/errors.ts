import { DomainError } from '@billing/eventsourcing';

/**
 * Typed rejections of entitlements inputs (to entitlements.dlq.v1, counted there).
 * Usage ids are not deduplicated here: metering deduplicates, and the runtime applies each accepted usage
 * record exactly once; keeping every id would grow the state without bound.
 */
export const ENTITLEMENT_REJECTIONS = [
  'INVALID_TIMESTAMP',
  'INVALID_DATE',
  'MISSING_FIELD',
  'NEGATIVE_QUANTITY',
  'INVALID_QUANTITY',
  'INVALID_THRESHOLD',
  'START_AFTER_END',
  'UNKNOWN_FEATURE',
  'NO_ACTIVE_ENTITLEMENT',
  'FEATURE_CONFLICT',
  'DUPLICATE_TERMS_VERSION',
  'DUPLICATE_CREDIT',
  'UNKNOWN_CONTRACT',
  'CUSTOMER_MISMATCH',
  'LIMIT_EXCEEDED',
  'HELD_USAGE_LIMIT',
] as const;
export type EntitlementRejection = (typeof ENTITLEMENT_REJECTIONS)[number];

export function reject(
  reasonCode: EntitlementRejection,
  message: string,
  details: Readonly<Record<string, string>> = {},
): DomainError {
  return new DomainError(reasonCode, message, details);
}
