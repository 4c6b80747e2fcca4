import { DomainError } from '@billing/eventsourcing';

export const RATING_REASON_CODES = ['UNKNOWN_CUSTOMER', 'UNKNOWN_CONTRACT', 'INVALID_TERMS', 'PERIOD_NO_LONGER_RATABLE', 'UNKNOWN_CURRENCY'] as const;
export type RatingReasonCode = (typeof RATING_REASON_CODES)[number];

export class RatingRejection extends DomainError {
  constructor(override readonly reasonCode: RatingReasonCode, message: string, details: Readonly<Record<string, string>> = {}) {
    super(reasonCode, message, details);
  }
}

/** Usage for a customer rating has no contract for (contracts.events.v1 not consumed yet, or never published). */
export class UnknownCustomer extends RatingRejection {
  constructor(customerId: string) {
    super('UNKNOWN_CUSTOMER', `no contract noted for customer ${customerId}`, { customerId });
  }
}
export class UnknownContract extends RatingRejection {
  constructor(customerId: string, contractId: string) {
    super('UNKNOWN_CONTRACT', `customer ${customerId} has no contract ${contractId}`, { customerId, contractId });
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
