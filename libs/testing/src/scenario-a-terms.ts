// Scenario A of ACCEPTANCE.md in the published language of contract terms: the parts several services' specs
// need alike, written once.
import type { UsageLine } from '@billing/contract-terms';
import { Big } from '@billing/money';

/** Acme's tokens line: 10,000,000 included per month, pooled quarterly with a true-up, 0.004 per 1,000, 20% off the overage. */
export const acmeTokensLine: UsageLine = {
  kind: 'usage',
  lineId: 'line-tokens',
  productCode: 'ai-tokens',
  description: 'LLM tokens',
  meterCode: 'tokens',
  aggregation: 'sum',
  pricingModel: { model: 'per_unit', unitPrice: new Big('0.004'), unitQuantity: new Big('1000') },
  includedUnitsPerMonth: new Big('10000000'),
  commit: { scope: 'pooled_quarterly', trueUp: true, minimumSpendPerPeriod: null },
  overagePolicy: 'bill',
  thresholdPercents: [],
  discounts: [{ kind: 'overage_after_commit', percent: new Big('20') }],
  ramps: [],
};
