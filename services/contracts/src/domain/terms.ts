/**
 * The commercial terms of an enterprise contract, as the domain holds them (Big amounts, ISO dates). The contracts
 * service writes contracts.events.v1 in the published language every consumer reads it in: its vocabulary and
 * types are @billing/contract-terms', not a copy of them. Every `endDate` is EXCLUSIVE (the first day not covered).
 */
export type {
  BillingAlignment,
  BillingCadence,
  BillingTiming,
  CommitScope,
  ContactRole,
  ContractTerms,
  Customer,
  CustomerContact,
  Discount,
  FeatureFlag,
  FeePeriod,
  FeeRamp,
  OveragePolicy,
  PostalAddress,
  PrepaidCredit,
  PriceLine,
  PriceTier,
  PricingModel,
  RampBase,
  RecurringFeeLine,
  SeatLine,
  SeatRamp,
  UsageAggregation,
  UsageCommit,
  UsageLine,
  UsageRamp,
} from '@billing/contract-terms';
export { DEFAULT_THRESHOLD_PERCENTS } from '@billing/contract-terms';
