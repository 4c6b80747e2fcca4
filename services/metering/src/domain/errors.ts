import { DomainError } from '@billing/eventsourcing';

/**
 * Every reason code a usage record can be rejected with (the DLQ's `reasonCode`). MALFORMED_AVRO is raised by the
 * runtime when bytes do not decode; the others by the domain.
 */
export const METERING_REASON_CODES = [
  'MALFORMED_AVRO',
  'INVALID_EVENT_ID',
  'INVALID_EVENT_TIME',
  'NON_FINITE_QUANTITY',
  'INVALID_QUANTITY',
  'DECIMAL_OVERFLOW',
  'NEGATIVE_QUANTITY',
  'FUTURE_TIMESTAMP',
  'TOO_OLD',
  'UNKNOWN_CUSTOMER',
  'NO_ACTIVE_CONTRACT',
  'UNKNOWN_METER',
  'DUPLICATE_USAGE',
  'INVALID_TERMS',
  'LIMIT_EXCEEDED',
  'QUANTITY_OUT_OF_RANGE',
] as const;
export type MeteringReasonCode = (typeof METERING_REASON_CODES)[number];

export class MeteringRejection extends DomainError {
  constructor(override readonly reasonCode: MeteringReasonCode, message: string, details: Readonly<Record<string, string>> = {}) {
    super(reasonCode, message, details);
  }
}

export class InvalidEventId extends MeteringRejection {
  constructor(lengthMax: number) {
    super('INVALID_EVENT_ID', `event id must be 1..${lengthMax} characters`);
  }
}
export class InvalidEventTime extends MeteringRejection {
  constructor(eventTime: string) {
    super('INVALID_EVENT_TIME', `event time is not an ISO-8601 instant: ${JSON.stringify(String(eventTime).slice(0, 60))}`);
  }
}
export class NonFiniteQuantity extends MeteringRejection {
  constructor(quantity: string) {
    super('NON_FINITE_QUANTITY', `quantity is not finite: ${quantity}`, { quantity });
  }
}
export class InvalidQuantity extends MeteringRejection {
  constructor(quantity: string) {
    super('INVALID_QUANTITY', `quantity is not a decimal: ${JSON.stringify(quantity.slice(0, 60))}`);
  }
}
export class QuantityOverflow extends MeteringRejection {
  constructor(quantity: string) {
    super('DECIMAL_OVERFLOW', `quantity ${quantity.slice(0, 80)} does not fit decimal(38,12)`);
  }
}
export class NegativeQuantity extends MeteringRejection {
  constructor(quantity: string) {
    super('NEGATIVE_QUANTITY', `quantity is negative: ${quantity}`, { quantity });
  }
}
export class FutureTimestamp extends MeteringRejection {
  constructor(eventTime: string, now: string, futureSkewMs: number) {
    super('FUTURE_TIMESTAMP', `event time ${eventTime} is more than ${futureSkewMs} ms after ${now}`, { eventTime, now });
  }
}
export class TooOld extends MeteringRejection {
  constructor(eventTime: string, dedupWindowDays: number) {
    super('TOO_OLD', `event time ${eventTime} is older than the ${dedupWindowDays}-day dedup window`, { eventTime });
  }
}
export class UnknownCustomer extends MeteringRejection {
  constructor(customerId: string) {
    super('UNKNOWN_CUSTOMER', `no contract noted for customer ${customerId}`, { customerId });
  }
}
export class NoActiveContract extends MeteringRejection {
  constructor(customerId: string, eventTime: string) {
    super('NO_ACTIVE_CONTRACT', `customer ${customerId} has no contract active at ${eventTime}`, { customerId, eventTime });
  }
}
export class UnknownMeter extends MeteringRejection {
  constructor(customerId: string, meterCode: string) {
    super('UNKNOWN_METER', `meter ${meterCode} is not on an active contract of customer ${customerId}`, { customerId, meterCode });
  }
}
/**
 * A usage event id already accepted within the dedup window. A typed rejection, not an event: nothing is appended
 * (so nothing is re-emitted downstream) and the runtime counts it by reason code like every rejection.
 */
export class UsageDuplicateIgnored extends MeteringRejection {
  constructor(eventId: string) {
    super('DUPLICATE_USAGE', `usage event ${eventId} was already accepted`, { eventId });
  }
}
export class InvalidTerms extends MeteringRejection {
  constructor(contractId: string, why: string) {
    super('INVALID_TERMS', `contract ${contractId}: ${why}`, { contractId });
  }
}

/** The limits input can reach; each is a rejection of one customer's usage, never a stop of the service. */
export type MeteringLimit = 'dedupIdsMax' | 'uniqueValuesMax';

/**
 * A customer's usage would grow its state past a configured limit (its dedup window, a meter's unique values in a
 * period). That customer's usage is rejected to the DLQ until the window moves on (or the limit is raised); the
 * partition keeps serving every other customer.
 */
export class LimitExceeded extends MeteringRejection {
  constructor(readonly limit: MeteringLimit, customerId: string, limitValue: number, what: string) {
    super('LIMIT_EXCEEDED', `customer ${customerId}: ${what} would pass ${limit} (${limitValue})`, { limit, customerId, limitValue: String(limitValue) });
  }
}

/** The period's figures of a meter would no longer fit the wire's decimal(38,12) (26 integer digits). */
export class QuantityOutOfRange extends MeteringRejection {
  constructor(customerId: string, meterCode: string, periodId: string, value: string) {
    super('QUANTITY_OUT_OF_RANGE', `customer ${customerId}: meter ${meterCode} would sum to ${value.slice(0, 60)} in ${periodId}, beyond decimal(38,12)`, {
      customerId,
      meterCode,
      periodId,
    });
  }
}
