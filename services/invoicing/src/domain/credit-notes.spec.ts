import { Big } from '@billing/money';
import { InvariantViolation } from '@billing/errors';
import { deepFreeze, fingerprint, specFor } from '@billing/testing';
import type { IssueCreditNote } from './commands';
import { invoicingDecider } from './decider';
import type { CreditNoteIssued } from './events';
import { evolveInvoicing } from './evolve';
import { assertInvoiceTotals } from './invoice-draft';
import { initialInvoicingState } from './state';
import { acmeQ1TrueUp, acmeTerms, invoicesIn, run, tick, tokensRated, versionReceived } from './test-fixtures';

const given = specFor(invoicingDecider);

const januaryInvoiced = () => run(invoicingDecider, [versionReceived(acmeTerms), tick('2026-01-01T01:00:00.000Z'), tokensRated('2026-01', '13000000', '9.6')]);

function creditNote(credit: IssueCreditNote['credit'], invoiceNumber = 'US-000001'): IssueCreditNote {
  return { type: 'IssueCreditNote', now: '2026-02-10T09:00:00.000Z', invoiceNumber, reason: 'service credit', credit };
}

const creditOf = (events: readonly unknown[]) => (events as CreditNoteIssued[]).find((event) => event.type === 'CreditNoteIssued')?.creditNote;

describe('corrections: a final invoice changes only by credit notes', () => {
  it('credits part of a line with its tax, rounded once, referencing the invoice line', () => {
    const credit = creditOf(given(januaryInvoiced()).when(creditNote({ kind: 'lines', lines: [{ lineNumber: 1, amount: new Big('1000.00') }] })).result().events);
    expect([credit?.creditNoteNumber, credit?.subtotal.toFixed(2), credit?.tax.toFixed(2), credit?.total.toFixed(2), credit?.voidsInvoice]).toEqual(['US-CN-000001', '1000.00', '88.75', '1088.75', false]);
    expect(credit?.lines[0].references).toEqual([{ invoiceNumber: 'US-000001', lineNumber: 1, amount: new Big('1000.00') }]);
  });

  it('a full credit note credits what is left, tax included, and voids the invoice', () => {
    const partly = run(invoicingDecider, [creditNote({ kind: 'lines', lines: [{ lineNumber: 1, amount: new Big('1000.00') }] })], januaryInvoiced());
    const { events, state } = given(partly).when(creditNote({ kind: 'full' })).result();
    const credit = creditOf(events);
    expect([credit?.creditNoteNumber, credit?.subtotal.toFixed(2), credit?.tax.toFixed(2), credit?.total.toFixed(2)]).toEqual(['US-CN-000002', '49009.60', '4349.60', '53359.20']);
    // Both credit notes together credit exactly the invoice's 54,447.95.
    expect(new Big('1088.75').plus(credit?.total ?? 0).toFixed(2)).toBe('54447.95');
    expect(state.invoices.get('US-000001')?.status).toBe('void');
  });

  it('rejects a credit on a void invoice, beyond a line, or on an unknown invoice', () => {
    const voided = run(invoicingDecider, [creditNote({ kind: 'full' })], januaryInvoiced());
    given(voided).when(creditNote({ kind: 'full' })).thenRejects('INVOICE_VOID');
    given(januaryInvoiced()).when(creditNote({ kind: 'lines', lines: [{ lineNumber: 2, amount: new Big('9.61') }] })).thenRejects('CREDIT_EXCEEDS_INVOICE');
    given(januaryInvoiced()).when(creditNote({ kind: 'lines', lines: [{ lineNumber: 2, amount: new Big('0.001') }] })).thenRejects('CREDIT_EXCEEDS_INVOICE');
    given(januaryInvoiced()).when(creditNote({ kind: 'lines', lines: [{ lineNumber: 9, amount: new Big('1') }] })).thenRejects('UNKNOWN_INVOICE_LINE');
    given(januaryInvoiced()).when(creditNote({ kind: 'full' }, 'US-000404')).thenRejects('UNKNOWN_INVOICE');
  });
});

describe('invariants and purity', () => {
  it('an invoice whose total is not its rounded lines plus its rounded tax stops the service', () => {
    const [january] = invoicesIn(januaryInvoiced());
    expect(() => assertInvoiceTotals(january)).not.toThrow();
    expect(() => assertInvoiceTotals({ ...january, total: january.total.plus('0.01') })).toThrow(InvariantViolation);
    expect(() => assertInvoiceTotals({ ...january, lines: [{ ...january.lines[0], amount: new Big('50000.001') }, january.lines[1]] })).toThrow(InvariantViolation);
  });

  it('evolve never changes the state it is given', () => {
    const events = run(invoicingDecider, [tokensRated('2026-02', '8000000', '0'), tokensRated('2026-03', '12000000', '6.4'), acmeQ1TrueUp], januaryInvoiced());
    let state = deepFreeze(initialInvoicingState());
    for (const event of events) {
      const before = fingerprint(state);
      const next = evolveInvoicing(state, event);
      expect(fingerprint(state)).toBe(before);
      state = deepFreeze(next);
    }
    expect(state.lastNumberBySeries).toEqual(new Map([['US', 3], ['US-CN', 1]]));
  });

  it('ignores a contract version already noted, and notes each rated period once', () => {
    given(januaryInvoiced()).when(versionReceived(acmeTerms, { now: '2026-02-02T00:00:00.000Z' })).then([]);
    given(januaryInvoiced()).when(tokensRated('2026-01', '13000000', '9.6')).then([]);
  });

  it('rejects rating figures in another currency than the contract bills in', () =>
    given(januaryInvoiced()).when({ ...tokensRated('2026-02', '8000000', '0'), currency: 'EUR' }).thenRejects('CURRENCY_MISMATCH'));

  it('rejects an invoice for a jurisdiction the tax table does not know', () =>
    given([])
      .when(versionReceived({ ...acmeTerms, customer: { ...acmeTerms.customer, taxJurisdiction: 'XX-NOWHERE' } }, { now: '2026-01-01T01:00:00.000Z' }))
      .thenRejects('UNKNOWN_TAX_JURISDICTION'));
});
