import { Big } from '@billing/money';
import { InvoicingRejection } from './errors';
import { builtInTaxProvider, taxOf, taxTableProvider, type TaxRequest } from './tax';

const request = (overrides: Partial<TaxRequest> = {}): TaxRequest => ({
  customerId: 'cust-acme-bank',
  sellerEntity: 'US',
  jurisdiction: 'US-NY-NYC',
  taxExempt: false,
  exemptionCertificate: null,
  currency: 'USD',
  invoiceDate: '2026-02-01',
  taxableSubtotal: new Big('50009.60'),
  ...overrides,
});

describe('tax: one rate per invoice, on the taxable subtotal, rounded once half-even', () => {
  it('computes ACCEPTANCE A January: 50,009.60 x 8.875% = 4,438.352 -> 4,438.35', () => {
    const tax = taxOf(builtInTaxProvider, request());
    expect([tax.amountExact.toFixed(), tax.amount.toFixed(2), tax.source]).toEqual(['4438.352', '4438.35', 'table']);
  });

  it('uses the rate in effect on the invoice date', () => {
    const table = taxTableProvider([
      { jurisdiction: 'XX', rate: new Big('0.10'), effectiveFrom: '2020-01-01', effectiveUntil: '2026-03-01' },
      { jurisdiction: 'XX', rate: new Big('0.12'), effectiveFrom: '2026-03-01', effectiveUntil: null },
    ]);
    expect(taxOf(table, request({ jurisdiction: 'XX', invoiceDate: '2026-02-28', taxableSubtotal: new Big(100) })).amount.toFixed(2)).toBe('10.00');
    expect(taxOf(table, request({ jurisdiction: 'XX', invoiceDate: '2026-03-01', taxableSubtotal: new Big(100) })).amount.toFixed(2)).toBe('12.00');
  });

  it('exempts a customer the table holds an exemption certificate for, only while it is in effect', () => {
    const table = taxTableProvider(
      [{ jurisdiction: 'US-NY-NYC', rate: new Big('0.08875'), effectiveFrom: '2009-08-01', effectiveUntil: null }],
      [{ customerId: 'cust-acme-bank', certificate: 'ST-119.1-ACME', jurisdiction: null, effectiveFrom: '2026-01-01', effectiveUntil: '2026-07-01' }],
    );
    expect(taxOf(table, request())).toMatchObject({ exempt: true, exemptionCertificate: 'ST-119.1-ACME', amount: new Big(0) });
    expect(taxOf(table, request({ invoiceDate: '2026-07-01' })).exempt).toBe(false);
  });

  it('rejects a jurisdiction it has no rate for', () => {
    expect(() => taxOf(builtInTaxProvider, request({ jurisdiction: 'XX-NOWHERE' }))).toThrow(InvoicingRejection);
  });
});
