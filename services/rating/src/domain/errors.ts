import { DomainError } from '@billing/eventsourcing';

export const RATING_REASON_CODES = ['HELD_USAGE_LIMIT', 'INVALID_TERMS', 'PERIOD_NO_LONGER_RATABLE', 'UNKNOWN_CURRENCY'] as const;
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
