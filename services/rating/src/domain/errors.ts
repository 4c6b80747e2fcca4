import { DomainError } from '@billing/eventsourcing';

export const RATING_REASON_CODES = [
  'AMOUNT_OUT_OF_RANGE',
  'HELD_USAGE_LIMIT',
  'INVALID_TERMS',
  'LIMIT_EXCEEDED',
  'PERIOD_NO_LONGER_RATABLE',
  'UNKNOWN_CURRENCY',
] as const;
export type RatingReasonCode = (typeof RATING_REASON_CODES)[number];

export class RatingRejection extends DomainError {
  constructor(override readonly reasonCode: RatingReasonCode, message: string, details: Readonly<Record<string, string>> = {}) {
    super(reasonCode, message, details);
  }
}

/**
 * Usage of a contract rating has no terms for is held until they arrive (contracts.events.v1 and metering.usage.v1
 * are not ordered); a customer already holding `heldUsageMax` usage records gets this instead, so a contract that
 * never comes cannot grow the state without bound.
 */
export class HeldUsageLimit extends RatingRejection {
  constructor(customerId: string, contractId: string, heldUsageMax: number) {
    super('HELD_USAGE_LIMIT', `customer ${customerId} already holds ${heldUsageMax} usage records awaiting contract terms (usage of ${contractId})`, {
      limit: 'heldUsageMax',
      customerId,
      contractId,
      heldUsageMax: String(heldUsageMax),
    });
  }
}
export class InvalidTerms extends RatingRejection {
  constructor(contractId: string, problems: readonly string[]) {
    super('INVALID_TERMS', `contract ${contractId}: ${problems.slice(0, 5).join('; ')}`, { contractId });
  }
}
/** Usage for a period so old its usage figures were dropped (older than rating keeps closed periods). */
export class PeriodNoLongerRatable extends RatingRejection {
  constructor(contractId: string, periodId: string) {
    super('PERIOD_NO_LONGER_RATABLE', `period ${periodId} of contract ${contractId} is past re-rating`, { contractId, periodId });
  }
}

/** Limits input can reach in rating (besides heldUsageMax, HELD_USAGE_LIMIT as in entitlements). */
export type RatingLimit = 'uniqueValuesMax' | 'termsVersionsMax';

/** A customer's input would grow its state past a limit: rejected to the DLQ, every other customer still served. */
export class LimitExceeded extends RatingRejection {
  constructor(readonly limit: RatingLimit, customerId: string, limitValue: number, what: string) {
    super('LIMIT_EXCEEDED', `customer ${customerId}: ${what} would pass ${limit} (${limitValue})`, { limit, customerId, limitValue: String(limitValue) });
  }
}

/**
 * A figure the decision would put on the wire does not fit decimal(38,12) even at wire scale: more than 26 integer
 * digits (a price and a quantity whose product is beyond any real bill). Rejected here, not crashed on in encode.
 */
export class AmountOutOfRange extends RatingRejection {
  constructor(customerId: string, eventType: string, field: string, value: string) {
    super('AMOUNT_OUT_OF_RANGE', `customer ${customerId}: ${eventType}.${field} = ${value.slice(0, 60)} does not fit decimal(38,12)`, {
      customerId,
      eventType,
      field,
      value: value.slice(0, 60),
    });
  }
}
