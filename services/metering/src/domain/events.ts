import type { Big } from '@billing/money';
import type { Aggregation, MeterDefinition } from './commands';
import type { BillingPeriodAlignment } from '@billing/calendar';

/** Metering's own record of a contract version: what it attributes usage with. */
export interface ContractTermsNoted {
  readonly type: 'ContractTermsNoted';
  readonly customerId: string;
  readonly contractId: string;
  readonly termsVersion: number;
  readonly startDate: string;
  readonly endDate: string | null;
  readonly billingPeriodAlignment: BillingPeriodAlignment;
  readonly meters: readonly MeterDefinition[];
  readonly notedAt: string;
}

/** The contract ends at `endDate` (exclusive), earlier than its terms said. */
export interface ContractEndNoted {
  readonly type: 'ContractEndNoted';
  readonly customerId: string;
  readonly contractId: string;
  readonly endDate: string;
  readonly notedAt: string;
}

/** Fields shared by on-time and late accepted usage (the metering.usage.v1 payload). */
export interface AcceptedUsageFields {
  readonly eventId: string;
  readonly customerId: string;
  readonly contractId: string;
  readonly meterCode: string;
  readonly quantity: Big;
  /** Canonical ISO-8601 UTC (YYYY-MM-DDTHH:mm:ss.sssZ). */
  readonly eventTime: string;
  readonly receivedAt: string;
  readonly periodId: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly properties: Readonly<Record<string, string>>;
}

/** Usage counted in an open period (its period's grace has not passed on the platform clock). */
export interface UsageAccepted extends AcceptedUsageFields {
  readonly type: 'UsageAccepted';
}

/** Usage for a period already closed: invoicing bills it as an adjustment "usage for <periodId>". */
export interface LateUsageAccepted extends AcceptedUsageFields {
  readonly type: 'LateUsageAccepted';
}

/** A meter's figures for one period, as of its close (late usage comes after, as LateUsageAccepted). */
export interface MeterPeriodAggregate {
  readonly meterCode: string;
  readonly aggregation: Aggregation;
  /** The meter's quantity for the period under its aggregation. */
  readonly value: Big;
  readonly sum: Big;
  readonly count: number;
  readonly max: Big | null;
  readonly uniqueCount: number;
  readonly latest: Big | null;
}

/** The platform clock passed periodEnd + grace: the period is final; later usage for it is late usage. */
export interface PeriodClosed {
  readonly type: 'PeriodClosed';
  readonly customerId: string;
  readonly contractId: string;
  readonly periodId: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly closedAt: string;
  readonly aggregates: readonly MeterPeriodAggregate[];
}

export type MeteringEvent = ContractTermsNoted | UsageAccepted | LateUsageAccepted | PeriodClosed | ContractEndNoted;
