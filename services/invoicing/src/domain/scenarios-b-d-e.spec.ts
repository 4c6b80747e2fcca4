import { Big } from '@billing/money';
import { specFor } from '@billing/testing';
import { contractVersionReceived } from './commands';
import { invoicingDecider } from './decider';
import { acmeTerms, customer, figures, invoicesIn, lateTokens, monthlyFee, run, terms, tick, tokensRated, versionReceived } from './test-fixtures';

const given = specFor(invoicingDecider);

describe('ACCEPTANCE B: annual prepaid, billed in advance, tax exempt', () => {
  const betaTerms = terms([monthlyFee('120000.00', { lineId: 'line-subscription', description: 'Annual subscription', category: 'subscription', period: 'year', billingTiming: 'in_advance' })], {
    customer: customer({ customerId: 'cust-beta', legalName: 'Beta Corp', taxExempt: true, taxExemptionCertificate: 'NY-ST-119-BETA-2026' }),
    billingCadence: 'annual',
    paymentTermsDays: 30,
    purchaseOrderNumber: null,
  });
  const noted = () => run(invoicingDecider, [versionReceived(betaTerms, { contractId: 'beta-1' })]);

  it('invoices 120,000.00 on 2026-01-01, due 2026-01-31, no tax (exempt with its certificate)', () => {
    const [invoice] = invoicesIn(given(noted()).when(tick('2026-01-01T01:00:00.000Z')).result().events);
    expect(figures(invoice)).toEqual({
      number: 'US-000001',
      issueDate: '2026-01-01',
      dueDate: '2026-01-31',
      purchaseOrders: [],
      lines: [['Annual subscription', '120000.00']],
      subtotal: '120000.00',
      tax: '0.00',
      total: '120000.00',
    });
    expect([invoice.tax.exempt, invoice.tax.exemptionCertificate]).toEqual([true, 'NY-ST-119-BETA-2026']);
    expect([invoice.lines[0].servicePeriodStart, invoice.lines[0].servicePeriodEnd]).toEqual(['2026-01-01', '2027-01-01']);
  });

  it('bills nothing more at the end of the year and ends the cycle', () => {
    const afterJanuary = run(invoicingDecider, [tick('2026-01-01T01:00:00.000Z')], noted());
    given(afterJanuary)
      .when(tick('2027-01-01T01:00:00.000Z'))
      .then([{ type: 'BillingDatePassed', customerId: 'cust-beta', contractId: 'beta-1', billingDate: '2027-01-01', nextBillingDate: null, passedAt: '2027-01-01T01:00:00.000Z' }]);
  });

  it('rejects a tax-exempt customer without a certificate', () =>
    given([])
      .when(versionReceived({ ...betaTerms, customer: customer({ taxExempt: true, taxExemptionCertificate: null }) }))
      .thenRejects('INVALID_TERMS'));
});

describe('ACCEPTANCE D: EU entity, EUR, German VAT', () => {
  const deltaTerms = terms([monthlyFee('10000.00')], {
    customer: customer({ customerId: 'cust-delta', legalName: 'Delta GmbH', taxJurisdiction: 'DE' }),
    sellerEntity: 'EU',
    currency: 'EUR',
    paymentTermsDays: 30,
    purchaseOrderNumber: null,
  });

  it('invoices 10,000.00 + VAT 1,900.00 = 11,900.00 EUR from the EU entity, numbered in its own series', () => {
    const history = run(invoicingDecider, [versionReceived(deltaTerms, { contractId: 'delta-1' }), tick('2026-01-01T01:00:00.000Z')]);
    const [invoice] = invoicesIn(given(history).when(tick('2026-02-01T01:00:00.000Z')).result().events);
    expect(figures(invoice)).toMatchObject({ number: 'EU-000001', issueDate: '2026-02-01', subtotal: '10000.00', tax: '1900.00', total: '11900.00' });
    expect([invoice.currency, invoice.sellerEntity, invoice.tax.jurisdiction]).toEqual(['EUR', 'EU', 'DE']);
  });
});

describe('ACCEPTANCE E: usage that arrives after January is final', () => {
  const januaryInvoiced = () =>
    run(invoicingDecider, [versionReceived(acmeTerms), tick('2026-01-01T01:00:00.000Z'), tokensRated('2026-01', '13000000', '9.6')]);

  it('puts a separate "usage for 2026-01" line on February, equal to the re-rated difference rating computed', () => {
    const late = run(
      invoicingDecider,
      [lateTokens('late-1', '600000', '1.92', '2026-02-03T10:00:00.000Z'), lateTokens('late-2', '400000', '1.28', '2026-02-04T10:00:00.000Z')],
      januaryInvoiced(),
    );
    const [february] = invoicesIn(given(late).when(tokensRated('2026-02', '8000000', '0')).result().events);
    expect(figures(february)).toEqual({
      number: 'US-000002',
      issueDate: '2026-03-01',
      dueDate: '2026-04-30',
      purchaseOrders: ['PO-ACME-7781'],
      lines: [
        ['Platform fee', '50000.00'],
        ['LLM tokens overage', '0.00'],
        ['usage for 2026-01', '3.20'],
      ],
      subtotal: '50003.20',
      tax: '4437.78',
      total: '54440.98',
    });
    expect([february.lines[2].kind, february.lines[2].usagePeriodId, february.lines[2].quantity?.toFixed()]).toEqual(['late_usage', '2026-01', '1000000']);
  });

  it('does not put the late line on the invoice after (the February invoice carried it)', () => {
    const february = run(invoicingDecider, [lateTokens('late-1', '1000000', '3.2', '2026-02-03T10:00:00.000Z'), tokensRated('2026-02', '8000000', '0')], januaryInvoiced());
    const [march] = invoicesIn(given(february).when(tokensRated('2026-03', '12000000', '6.4')).result().events);
    expect(march.lines.map((line) => line.kind)).toEqual(['recurring_fee', 'usage']);
    expect(march.lines[1].amount).toEqual(new Big('6.4'));
  });
});

describe('numbering: gap-free per seller entity across the customers one state holds', () => {
  it('numbers two customers of the US entity one after the other, each on its own invoice', () => {
    const beta = terms([monthlyFee('500.00')], { customer: customer({ customerId: 'cust-beta', legalName: 'Beta Corp' }), purchaseOrderNumber: null });
    const history = run(invoicingDecider, [versionReceived(terms([monthlyFee('1000.00')])), versionReceived(beta, { contractId: 'beta-2' }), tick('2026-01-01T01:00:00.000Z')]);
    const invoices = invoicesIn(given(history).when(tick('2026-02-01T01:00:00.000Z')).result().events);
    expect(invoices.map((invoice) => [invoice.invoiceNumber, invoice.customerId, invoice.subtotal.toFixed(2)])).toEqual([
      ['US-000001', 'cust-acme-bank', '1000.00'],
      ['US-000002', 'cust-beta', '500.00'],
    ]);
  });
});

describe('inputs in any order, renewals', () => {
  it("notes rating's January before the contract's terms arrive, and invoices once they do", () => {
    const ratedFirst = run(invoicingDecider, [tokensRated('2026-01', '13000000', '9.6')]);
    expect(ratedFirst.map((event) => event.type)).toEqual(['UsagePeriodNoted']);
    const [january] = invoicesIn(given(ratedFirst).when(versionReceived(acmeTerms, { now: '2026-02-01T02:00:00.000Z' })).result().events);
    expect(figures(january)).toMatchObject({ number: 'US-000001', issueDate: '2026-02-01', total: '54447.95' });
  });

  it('a renewal after the last billing date opens the cycle again', () => {
    const oneMonth = terms([monthlyFee('1000.00')], { purchaseOrderNumber: null });
    const ended = run(invoicingDecider, [versionReceived(oneMonth, { endDate: '2026-02-01' }), tick('2026-01-01T01:00:00.000Z'), tick('2026-02-01T01:00:00.000Z')]);
    expect(ended.at(-1)).toMatchObject({ type: 'BillingDatePassed', billingDate: '2026-02-01', nextBillingDate: null });
    const renewed = run(invoicingDecider, [versionReceived(oneMonth, { version: 2, effectiveDate: '2026-02-01', endDate: '2026-03-01', now: '2026-02-05T00:00:00.000Z' })], ended);
    const [february] = invoicesIn(given(renewed).when(tick('2026-03-01T01:00:00.000Z')).result().events);
    expect(figures(february)).toMatchObject({ number: 'US-000002', issueDate: '2026-03-01', lines: [['Platform fee', '1000.00']] });
  });
});

it('reads a contract version of the published language as its command', () =>
  expect(
    contractVersionReceived({
      kind: 'version',
      type: 'ContractCreated',
      customerId: 'cust-acme-bank',
      occurredAt: '2026-01-01T00:00:00.000Z',
      contractId: 'salesforce-006ACME0001',
      dealId: '006ACME0001',
      crmSource: 'salesforce',
      dealEventId: 'crm-evt-1',
      version: 1,
      effectiveDate: '2026-01-01',
      endDate: '2027-01-01',
      previousEndDate: null,
      terms: acmeTerms,
    }),
  ).toEqual(versionReceived(acmeTerms)));
