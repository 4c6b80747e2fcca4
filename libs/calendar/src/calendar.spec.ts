import { addDays, addMonths, billingPeriodOf, instantAtOrBefore, nextBillingPeriod } from './index';

describe('calendar', () => {
  it('bills calendar months in UTC, end exclusive', () => {
    expect(billingPeriodOf(Date.parse('2026-01-31T23:59:00Z'), 'calendar_month', '2026-01-01')).toEqual({
      periodId: '2026-01', periodStart: '2026-01-01T00:00:00.000Z', periodEnd: '2026-02-01T00:00:00.000Z',
    });
    expect(billingPeriodOf(Date.parse('2026-02-01T00:00:00Z'), 'calendar_month', '2026-01-01').periodId).toBe('2026-02');
  });

  it('anchors anniversary periods on the start day, clamped to short months', () => {
    const january = billingPeriodOf(Date.parse('2026-02-15T00:00:00Z'), 'contract_anniversary', '2026-01-31T00:00:00Z');
    expect(january).toEqual({ periodId: '2026-01-31', periodStart: '2026-01-31T00:00:00.000Z', periodEnd: '2026-02-28T00:00:00.000Z' });
    expect(nextBillingPeriod(january, 'contract_anniversary', '2026-01-31T00:00:00Z').periodEnd).toBe('2026-03-31T00:00:00.000Z');
  });

  it('adds months clamping the day, and days across year ends', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2026-01-01', 12)).toBe('2027-01-01');
    expect(addMonths('2026-03-15', -3)).toBe('2025-12-15');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });

  it('compares instants by time, not by text', () => {
    expect(instantAtOrBefore('2026-01-01T00:00:00Z', '2026-01-01T00:00:00.000Z')).toBe(true);
    expect(instantAtOrBefore('2026-01-01T00:00:00.001Z', '2026-01-01T00:00:00Z')).toBe(false);
  });
});
