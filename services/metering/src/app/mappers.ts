/**
 * Wire <-> domain for the metering service: the only place that knows both shapes.
 * - usage.events.v1 (UsageEvent) -> UsageReceived
 * - contracts.events.v1 (ContractEvent) -> ContractTermsReceived (the meters of the usage lines)
 * - MeteringEvent (domain) <-> metering.usage.v1 payload
 */
import { fromSymbol, toSymbol, dayStart } from '@billing/avro';
import * as contract from '@billing/contract-terms';
import type * as wire from '@billing/schemas';
import type { Aggregation, ContractTerminationReceived, ContractTermsReceived, MeterDefinition, UsageReceived } from '../domain/commands';
import type { AcceptedUsageFields, MeteringEvent } from '../domain/events';
import type { BillingPeriodAlignment } from '@billing/calendar';

const AGGREGATION: Record<string, Aggregation> = { Sum: 'sum', Count: 'count', Max: 'max', UniqueCount: 'unique_count', Latest: 'latest' };
const ALIGNMENT: Record<string, BillingPeriodAlignment> = { CalendarMonth: 'calendar_month', ContractAnniversary: 'contract_anniversary' };

// ------------------------------------------------------------------------------------------- inputs -> commands

/**
 * A decoded usage.events.v1 record: the envelope's eventId is the idempotency key, customerId the customer and
 * occurredAt the event time. `now` is the platform time the runtime receives it at.
 */
export function commandFromUsageEvent(record: wire.UsageEvent, now: string): UsageReceived {
  const usage = record.payload['billing.usage.UsageRecorded'];
  return {
    type: 'UsageReceived',
    now,
    eventId: record.eventId,
    customerId: record.customerId,
    meterCode: usage.meterCode,
    quantity: usage.quantity,
    eventTime: record.occurredAt,
    properties: { ...usage.properties },
  };
}

/** The meters of a contract version's usage lines (one per meter code, the first line's aggregation). */
export function metersOf(terms: contract.ContractTerms): MeterDefinition[] {
  const meters = new Map<string, MeterDefinition>();
  for (const usage of contract.usageLinesOf(terms)) {
    if (meters.has(usage.meterCode)) continue;
    meters.set(usage.meterCode, {
      meterCode: usage.meterCode,
      aggregation: usage.aggregation,
      aggregationProperty: contract.aggregationPropertyOf(usage),
    });
  }
  return [...meters.values()];
}

/** A decoded contracts.events.v1 record (read by the contract-terms library) as metering's command, `now` its occurredAt. */
export function commandFromContractEvent(record: wire.ContractEvent): ContractTermsReceived | ContractTerminationReceived {
  const change = contract.contractEventFromWire(record);
  if (change.kind === 'termination') return contract.terminationReceived(change);
  return {
    type: 'ContractTermsReceived',
    now: change.occurredAt,
    customerId: change.customerId,
    contractId: change.contractId,
    termsVersion: change.version,
    startDate: dayStart(change.terms.startDate),
    endDate: dayStart(change.endDate),
    billingPeriodAlignment: change.terms.billingAlignment,
    meters: metersOf(change.terms),
  };
}

// --------------------------------------------------------------------------------- metering events <-> wire

const NAMESPACE = 'billing.metering.';
/** Domain event type -> wire record short name (short names are unique across schemas/). */
const WIRE_NAME: Record<MeteringEvent['type'], wire.MeteringEventType> = {
  ContractTermsNoted: 'MeteringContractTermsNoted',
  UsageAccepted: 'UsageAccepted',
  LateUsageAccepted: 'LateUsageAccepted',
  PeriodClosed: 'MeteringPeriodClosed',
  ContractEndNoted: 'MeteringContractEndNoted',
};

function usageToWire(event: AcceptedUsageFields): wire.UsageAccepted {
  return {
    usageEventId: event.eventId,
    contractId: event.contractId,
    meterCode: event.meterCode,
    quantity: event.quantity,
    eventTime: event.eventTime,
    receivedAt: event.receivedAt,
    periodId: event.periodId,
    periodStart: event.periodStart,
    periodEnd: event.periodEnd,
    properties: { ...event.properties },
  };
}

function usageFromWire(customerId: string, usage: wire.UsageAccepted): AcceptedUsageFields {
  const { usageEventId, ...fields } = usage;
  return { eventId: usageEventId, customerId, ...fields };
}

/** The envelope's eventType and occurredAt (the event's own time) and the payload of a domain event. */
export function meteringEventToWire(event: MeteringEvent): { eventType: wire.MeteringEventType; occurredAt: string; payload: wire.MeteringEventPayload } {
  const eventType = WIRE_NAME[event.type];
  const wrap = (value: object, occurredAt: string) => ({ eventType, occurredAt, payload: { [`${NAMESPACE}${eventType}`]: value } as wire.MeteringEventPayload });
  switch (event.type) {
    case 'ContractTermsNoted':
      return wrap(
        {
          contractId: event.contractId,
          termsVersion: event.termsVersion,
          startDate: event.startDate,
          endDate: event.endDate,
          billingPeriodAlignment: toSymbol(ALIGNMENT, event.billingPeriodAlignment),
          meters: event.meters.map((meter) => ({ ...meter, aggregation: toSymbol(AGGREGATION, meter.aggregation) })),
          notedAt: event.notedAt,
        } satisfies wire.MeteringContractTermsNoted,
        event.notedAt,
      );
    case 'UsageAccepted':
    case 'LateUsageAccepted':
      return wrap(usageToWire(event), event.eventTime);
    case 'PeriodClosed':
      return wrap(
        {
          contractId: event.contractId,
          periodId: event.periodId,
          periodStart: event.periodStart,
          periodEnd: event.periodEnd,
          closedAt: event.closedAt,
          aggregates: event.aggregates.map((aggregate) => ({ ...aggregate, aggregation: toSymbol(AGGREGATION, aggregate.aggregation) })),
        } satisfies wire.MeteringPeriodClosed,
        event.closedAt,
      );
    case 'ContractEndNoted':
      return wrap({ contractId: event.contractId, endDate: event.endDate, notedAt: event.notedAt } satisfies wire.MeteringContractEndNoted, event.notedAt);
  }
}

/** A decoded metering.usage.v1 record as the domain event (the runtime folds these to rebuild state). */
export function meteringEventFromWire(record: Pick<wire.MeteringEvent, 'customerId' | 'payload'>): MeteringEvent {
  const { customerId, payload } = record;
  if ('billing.metering.UsageAccepted' in payload) return { type: 'UsageAccepted', ...usageFromWire(customerId, payload['billing.metering.UsageAccepted']) };
  if ('billing.metering.LateUsageAccepted' in payload) {
    return { type: 'LateUsageAccepted', ...usageFromWire(customerId, payload['billing.metering.LateUsageAccepted']) };
  }
  if ('billing.metering.MeteringContractTermsNoted' in payload) {
    const noted = payload['billing.metering.MeteringContractTermsNoted'];
    return {
      type: 'ContractTermsNoted',
      customerId,
      ...noted,
      billingPeriodAlignment: fromSymbol(ALIGNMENT, noted.billingPeriodAlignment, 'billingPeriodAlignment'),
      meters: noted.meters.map((meter) => ({ ...meter, aggregation: fromSymbol(AGGREGATION, meter.aggregation, 'aggregation') })),
    };
  }
  if ('billing.metering.MeteringContractEndNoted' in payload) return { type: 'ContractEndNoted', customerId, ...payload['billing.metering.MeteringContractEndNoted'] };
  const closed = payload['billing.metering.MeteringPeriodClosed'];
  return {
    type: 'PeriodClosed',
    customerId,
    ...closed,
    aggregates: closed.aggregates.map((aggregate) => ({ ...aggregate, aggregation: fromSymbol(AGGREGATION, aggregate.aggregation, 'aggregation') })),
  };
}
