import { Big } from '@billing/money';
import { ClockTicked, ContractTermsReceived, UsageAccepted } from './commands';
import { ContractGrants } from './grants';

/** Scenario A (ACCEPTANCE.md): what Acme Bank's contract grants, as noted from contracts.events.v1. */
export const ACME_CUSTOMER_ID = 'cust-acme-bank';
export const ACME_CONTRACT_ID = 'salesforce-006ACME0001';

export const acmeGrants: ContractGrants = {
  contractId: ACME_CONTRACT_ID,
  termsVersion: 1,
  effectiveDate: '2026-01-01',
  endDate: '2027-01-01',
  contractStartDate: '2026-01-01',
  billingAlignment: 'calendar_month',
  metered: [
    {
      meterCode: 'tokens',
      includedUnitsPerMonth: new Big('10000000'),
      commitScope: 'pooled_quarterly',
      trueUp: true,
      overageAllowed: true,
      thresholdPercents: [],
    },
  ],
  seats: [],
  flags: [{ featureCode: 'sso', enabled: true }],
  credits: [],
};

export const acmeTermsReceived: ContractTermsReceived = {
  type: 'ContractTermsReceived',
  now: '2026-01-01T00:00:00.000Z',
  customerId: ACME_CUSTOMER_ID,
  grants: acmeGrants,
};

export function usage(usageEventId: string, quantity: string, eventTime: string, meterCode = 'tokens'): UsageAccepted {
  return { type: 'UsageAccepted', now: eventTime, customerId: ACME_CUSTOMER_ID, usageEventId, meterCode, quantity: new Big(quantity), eventTime };
}

export function tick(now: string): ClockTicked {
  return { type: 'ClockTicked', now };
}
