import { specFor } from '@billing/testing';
import type { CreditNoteIssued, InvoicingEvent, TrueUpStatementIssued } from './events';
import { invoicingDecider } from './decider';
import { acmeQ1TrueUp, acmeTerms, figures, invoicesIn, run, tick, tokensRated, versionReceived } from './test-fixtures';

const given = specFor(invoicingDecider);

const contractNoted = (): InvoicingEvent[] => run(invoicingDecider, [versionReceived(acmeTerms), tick('2026-01-01T01:00:00.000Z')]);
const januaryRated = () => tokensRated('2026-01', '13000000', '9.6');
const februaryRated = () => tokensRated('2026-02', '8000000', '0');
const marchRated = () => tokensRated('2026-03', '12000000', '6.4');
const throughJanuary = () => run(invoicingDecider, [januaryRated()], contractNoted());
const throughFebruary = () => run(invoicingDecider, [februaryRated()], throughJanuary());

describe('ACCEPTANCE A: Acme Bank, monthly in arrears, pooled quarterly true-up', () => {
  it('bills nothing at the start: the platform fee is billed in arrears', () =>
    given([])
      .when(versionReceived(acmeTerms))
      .then([
        { type: 'ContractVersionNoted', customerId: 'cust-acme-bank', contractId: acmeTermsContract(), version: 1, effectiveDate: '2026-01-01', endDate: '2027-01-01', terms: acmeTerms, notedAt: '2026-01-01T00:00:00.000Z' },
      ]));

  it('passes the start date with no invoice once the grace is over', () =>
    given(run(invoicingDecider, [versionReceived(acmeTerms)]))
      .when(tick('2026-01-01T01:00:00.000Z'))
      .then([
        { type: 'BillingDatePassed', customerId: 'cust-acme-bank', contractId: acmeTermsContract(), billingDate: '2026-01-01', nextBillingDate: '2026-02-01', passedAt: '2026-01-01T01:00:00.000Z' },
      ]));

  it('keeps January a draft until rating has rated it final', () => {
    const { events } = given(contractNoted()).when(tick('2026-02-01T01:00:00.000Z')).result();
    expect(invoicesIn(events)).toEqual([]);
  });

  it('finalizes the January invoice: 50,000.00 + 9.60 overage, tax 4,438.35, total 54,447.95, due 2026-04-02', () => {
    const { events } = given(contractNoted()).when(januaryRated()).result();
    const [january] = invoicesIn(events);
    expect(figures(january)).toEqual({
      number: 'US-000001',
      issueDate: '2026-02-01',
      dueDate: '2026-04-02',
      purchaseOrders: ['PO-ACME-7781'],
      lines: [
        ['Platform fee', '50000.00'],
        ['LLM tokens overage', '9.60'],
      ],
      subtotal: '50009.60',
      tax: '4438.35',
      total: '54447.95',
    });
    expect(january.lines[1].quantity?.toFixed()).toBe('3000000');
    expect([january.lines[1].usage?.units.toFixed(), january.lines[1].usage?.includedUnits.toFixed()]).toEqual(['13000000', '10000000']);
    expect(january.tax.rate.toFixed()).toBe('0.08875');
    expect(events.filter((event) => event.type === 'BillingDatePassed')).toEqual([
      { type: 'BillingDatePassed', customerId: 'cust-acme-bank', contractId: acmeTermsContract(), billingDate: '2026-02-01', nextBillingDate: '2026-03-01', passedAt: '2026-02-01T01:00:00.000Z' },
    ]);
  });

  it('finalizes February: no overage, tax 4,437.50, total 54,437.50, due 2026-04-30', () => {
    const [february] = invoicesIn(given(throughJanuary()).when(februaryRated()).result().events);
    expect(figures(february)).toMatchObject({ number: 'US-000002', issueDate: '2026-03-01', dueDate: '2026-04-30', subtotal: '50000.00', tax: '4437.50', total: '54437.50' });
  });

  it('finalizes March: 6.40 overage, tax 4,438.07, total 54,444.47, due 2026-05-31', () => {
    const [march] = invoicesIn(given(throughFebruary()).when(marchRated()).result().events);
    expect(figures(march)).toMatchObject({ number: 'US-000003', issueDate: '2026-04-01', dueDate: '2026-05-31', subtotal: '50006.40', tax: '4438.07', total: '54444.47' });
  });

  it('credits the Q1 true-up: 6.40 + tax 0.57 = 6.97, referencing the January and March invoices, with a statement', () => {
    const throughMarch = run(invoicingDecider, [marchRated()], throughFebruary());
    const { events } = given(throughMarch).when(acmeQ1TrueUp).result();
    const credit = events.find((event): event is CreditNoteIssued => event.type === 'CreditNoteIssued')?.creditNote;
    expect(credit).toBeDefined();
    expect([credit?.creditNoteNumber, credit?.issueDate, credit?.subtotal.toFixed(2), credit?.tax.toFixed(2), credit?.total.toFixed(2)]).toEqual(['US-CN-000001', '2026-04-01', '6.40', '0.57', '6.97']);
    expect(credit?.invoiceNumbers).toEqual(['US-000001', 'US-000003']);
    expect(credit?.lines[0].references.map((reference) => [reference.invoiceNumber, reference.lineNumber, reference.amount.toFixed(2)])).toEqual([
      ['US-000001', 2, '3.84'],
      ['US-000003', 2, '2.56'],
    ]);
    const statement = events.find((event): event is TrueUpStatementIssued => event.type === 'TrueUpStatementIssued');
    expect([statement?.amount.toFixed(2), statement?.creditNoteNumber, statement?.lines[0].pooledUnits.toFixed()]).toEqual(['-6.40', 'US-CN-000001', '33000000']);
  });

  it('settles a true-up that arrives before March is invoiced in the decision that finalizes March', () => {
    const trueUpFirst = run(invoicingDecider, [acmeQ1TrueUp], throughFebruary());
    expect(trueUpFirst.some((event) => event.type === 'CreditNoteIssued')).toBe(false);
    const { events } = given(trueUpFirst).when(marchRated()).result();
    expect(events.map((event) => event.type)).toEqual(['UsagePeriodNoted', 'InvoiceFinalized', 'BillingDatePassed', 'CreditNoteIssued', 'TrueUpStatementIssued']);
  });

  it('numbers the same invoices the same on replay', () => {
    const once = invoicesIn(run(invoicingDecider, [versionReceived(acmeTerms), januaryRated(), februaryRated(), marchRated()]));
    const twice = invoicesIn(run(invoicingDecider, [versionReceived(acmeTerms), januaryRated(), februaryRated(), marchRated()]));
    expect(once.map((invoice) => invoice.invoiceNumber)).toEqual(['US-000001', 'US-000002', 'US-000003']);
    expect(twice).toEqual(once);
  });
});

function acmeTermsContract(): string {
  return versionReceived(acmeTerms).contractId;
}
