import { Big, roundToMinorUnit } from '@billing/money';
import { specFor } from '@billing/testing';
import fc from 'fast-check';
import { invoicingDecider } from './decider';
import { evolveInvoicing } from './evolve';
import type { InvoicingEvent } from './events';
import { proratedRounded, runsOf } from './proration';
import { recurringLines } from './recurring-lines';
import { initialInvoicingState } from './state';
import { customer, figures, invoicesIn, monthlyFee, run, seats, terms, tick, versionReceived } from './test-fixtures';

const given = specFor(invoicingDecider);
const zeta = customer({ customerId: 'cust-zeta', legalName: 'Zeta Inc.' });

describe('proration by day (the days of the whole billing period are the denominator)', () => {
  // January has 31 days. Version 1: 10 seats x 100.00 and a 1,000.00 platform fee ramped to 1,300.00 from
  // 2026-01-11. Version 2, effective 2026-01-16, raises the seats to 15.
  //   seats: 15 days x 1,000.00 + 16 days x 1,500.00 = (15,000 + 24,000) / 31 = 1,258.0645... -> 1,258.06
  //   fee:   10 days x 1,000.00 + 21 days x 1,300.00 = (10,000 + 27,300) / 31 = 1,203.2258... -> 1,203.23
  //   subtotal 2,461.29; tax 8.875% = 218.4394875 -> 218.44; total 2,679.73
  const fee = monthlyFee('1000.00', { ramps: [{ startDate: '2026-01-11', endDate: '2026-02-01', amountPerPeriod: new Big('1300.00') }] });
  const v1 = terms([seats(10, '100.00'), fee], { customer: zeta, purchaseOrderNumber: null, paymentTermsDays: 30 });
  const v2 = { ...v1, priceLines: [seats(15, '100.00'), fee] };

  it('bills a mid-month seat amendment and a fee ramp by the days each price applied, each line rounded once', () => {
    const history = run(invoicingDecider, [
      versionReceived(v1, { contractId: 'zeta-1' }),
      tick('2026-01-01T01:00:00.000Z'),
      versionReceived(v2, { contractId: 'zeta-1', version: 2, effectiveDate: '2026-01-16', now: '2026-01-16T09:00:00.000Z' }),
    ]);
    const [january] = invoicesIn(given(history).when(tick('2026-02-01T01:00:00.000Z')).result().events);
    expect(figures(january)).toEqual({
      number: 'US-000001',
      issueDate: '2026-02-01',
      dueDate: '2026-03-03',
      purchaseOrders: [],
      lines: [
        ['Seats', '1258.06'],
        ['Platform fee', '1203.23'],
      ],
      subtotal: '2461.29',
      tax: '218.44',
      total: '2679.73',
    });
    expect(january.lines[0].quantity?.toFixed()).toBe('15');
  });

  it('bills a mid-month start in advance for the days left: 3,100.00 x 12 / 31 = 1,200.00 on 2026-01-20', () => {
    const late = terms([monthlyFee('3100.00', { billingTiming: 'in_advance' })], { customer: zeta, startDate: '2026-01-20', purchaseOrderNumber: null });
    const [first] = invoicesIn(run(invoicingDecider, [versionReceived(late, { contractId: 'zeta-2', effectiveDate: '2026-01-20' }), tick('2026-01-20T01:00:00.000Z')]));
    expect(figures(first)).toMatchObject({ issueDate: '2026-01-20', lines: [['Platform fee', '1200.00']], tax: '106.50', total: '1306.50' });
    expect([first.lines[0].servicePeriodStart, first.lines[0].servicePeriodEnd]).toEqual(['2026-01-20', '2026-02-01']);
  });

  it('bills a cancellation in arrears up to its effective date: 3,100.00 x 20 / 31 = 2,000.00 on 2026-01-21', () => {
    const history = run(invoicingDecider, [versionReceived(terms([monthlyFee('3100.00')], { customer: zeta }), { contractId: 'zeta-3' }), tick('2026-01-01T01:00:00.000Z')]);
    const cancelled = run(invoicingDecider, [{ type: 'ContractTerminationReceived', now: '2026-01-10T12:00:00.000Z', customerId: 'cust-zeta', contractId: 'zeta-3', effectiveDate: '2026-01-21' }], history);
    const { events } = given(cancelled).when(tick('2026-01-21T01:00:00.000Z')).result();
    expect(figures(invoicesIn(events)[0])).toMatchObject({ issueDate: '2026-01-21', lines: [['Platform fee', '2000.00']] });
    expect(events.at(-1)).toMatchObject({ type: 'BillingDatePassed', billingDate: '2026-01-21', nextBillingDate: null });
  });

  it('bills a seat increase inside a period billed in advance at its end: 5 seats x 100.00 x 16 / 31 = 258.06 more', () => {
    const advance = terms([seats(10, '100.00', { billingTiming: 'in_advance' })], { customer: zeta, purchaseOrderNumber: null });
    const history = run(invoicingDecider, [
      versionReceived(advance, { contractId: 'zeta-6' }),
      tick('2026-01-01T01:00:00.000Z'),
      versionReceived({ ...advance, priceLines: [seats(15, '100.00', { billingTiming: 'in_advance' })] }, { contractId: 'zeta-6', version: 2, effectiveDate: '2026-01-16', now: '2026-01-16T09:00:00.000Z' }),
    ]);
    expect(figures(invoicesIn(history)[0])).toMatchObject({ issueDate: '2026-01-01', lines: [['Seats', '1000.00']] });
    const [february] = invoicesIn(given(history).when(tick('2026-02-01T01:00:00.000Z')).result().events);
    expect(figures(february)).toMatchObject({ issueDate: '2026-02-01', lines: [['Seats adjustment', '258.06'], ['Seats', '1500.00']], subtotal: '1758.06' });
    expect([february.lines[0].servicePeriodStart, february.lines[0].servicePeriodEnd]).toEqual(['2026-01-01', '2026-02-01']);
  });

  it('credits the days after a cancellation inside a period billed in advance: -3,100.00 x 11 / 31 = -1,100.00, tax half-even', () => {
    const advance = terms([monthlyFee('3100.00', { billingTiming: 'in_advance' })], { customer: zeta, purchaseOrderNumber: null });
    const history = run(invoicingDecider, [
      versionReceived(advance, { contractId: 'zeta-7' }),
      tick('2026-01-01T01:00:00.000Z'),
      { type: 'ContractTerminationReceived', now: '2026-01-10T12:00:00.000Z', customerId: 'cust-zeta', contractId: 'zeta-7', effectiveDate: '2026-01-21' },
    ]);
    const [last] = invoicesIn(given(history).when(tick('2026-01-21T01:00:00.000Z')).result().events);
    // 1,100.00 x 8.875% = 97.625: half-even gives 97.62.
    expect(figures(last)).toMatchObject({ issueDate: '2026-01-21', lines: [['Platform fee adjustment', '-1100.00']], subtotal: '-1100.00', tax: '-97.62', total: '-1197.62' });
  });

  it('bills a calendar-quarterly contract started in February for the quarter days it covered: 3,000.00 x 59 / 90 = 1,966.67', () => {
    const quarterly = terms([monthlyFee('1000.00')], { customer: zeta, startDate: '2026-02-01', billingCadence: 'quarterly' });
    const history = run(invoicingDecider, [versionReceived(quarterly, { contractId: 'zeta-4', effectiveDate: '2026-02-01' }), tick('2026-02-01T01:00:00.000Z')]);
    expect(figures(invoicesIn(given(history).when(tick('2026-04-01T01:00:00.000Z')).result().events)[0])).toMatchObject({ issueDate: '2026-04-01', lines: [['Platform fee', '1966.67']] });
  });

  it('bills anniversary-aligned months from the start day', () => {
    const anniversary = terms([monthlyFee('1000.00')], { customer: zeta, startDate: '2026-01-15', billingAlignment: 'contract_anniversary' });
    const history = run(invoicingDecider, [versionReceived(anniversary, { contractId: 'zeta-5', effectiveDate: '2026-01-15' }), tick('2026-01-15T01:00:00.000Z')]);
    expect(figures(invoicesIn(given(history).when(tick('2026-02-15T01:00:00.000Z')).result().events)[0])).toMatchObject({ issueDate: '2026-02-15', lines: [['Platform fee', '1000.00']] });
  });
});

describe('proration properties', () => {
  const cents = fc.bigInt({ min: 0n, max: 10n ** 12n }).map((units) => new Big(units.toString()).times('0.01'));
  const daysInPeriod = fc.integer({ min: 28, max: 366 });

  it('the prorated runs of one amount covering a whole period sum exactly to the full-period amount', () =>
    fc.assert(
      fc.property(cents, daysInPeriod, fc.array(fc.integer({ min: 1, max: 365 }), { maxLength: 6 }), (amount, days, cutsRaw) => {
        const cuts = [...new Set(cutsRaw.filter((cut) => cut < days))].sort((a, b) => a - b);
        const bounds = [0, ...cuts, days];
        const runs = bounds.slice(1).map((end, index) => ({ fullPeriodAmount: amount, days: end - bounds[index] }));
        expect(proratedRounded(runs, days, 'USD').eq(amount)).toBe(true);
      }),
    ));

  it('cancelling a line and re-adding it the same day nets to zero: the line bills as if never touched', () =>
    fc.assert(
      fc.property(cents, fc.integer({ min: 1, max: 30 }), (amount, cancelDay) => {
        const day = `2026-01-${String(cancelDay + 1).padStart(2, '0')}`;
        const line = monthlyFee(amount.toFixed(2));
        const base = terms([line], { customer: zeta });
        const events: InvoicingEvent[] = [
          { type: 'ContractVersionNoted', customerId: 'cust-zeta', contractId: 'z', version: 1, effectiveDate: '2026-01-01', endDate: '2027-01-01', terms: base, notedAt: '2026-01-01T00:00:00Z' },
          { type: 'ContractVersionNoted', customerId: 'cust-zeta', contractId: 'z', version: 2, effectiveDate: day, endDate: '2027-01-01', terms: { ...base, priceLines: [] }, notedAt: '2026-01-05T00:00:00Z' },
          { type: 'ContractVersionNoted', customerId: 'cust-zeta', contractId: 'z', version: 3, effectiveDate: day, endDate: '2027-01-01', terms: base, notedAt: '2026-01-05T00:00:01Z' },
        ];
        const record = events.reduce(evolveInvoicing, initialInvoicingState()).contracts.get('z');
        if (record === undefined) throw new Error('no contract');
        const [billed] = recurringLines(record, { start: '2026-01-01', end: '2026-02-01' }, 'in_arrears', 31);
        expect(roundToMinorUnit(billed.amountExact, 'USD').eq(amount)).toBe(true);
      }),
    ));

  it('merges consecutive days of one amount into one run, skipping days the line is absent', () =>
    expect(runsOf([new Big(1), new Big(1), null, new Big(2)])).toEqual([
      { fullPeriodAmount: new Big(1), days: 2 },
      { fullPeriodAmount: new Big(2), days: 1 },
    ]));
});
