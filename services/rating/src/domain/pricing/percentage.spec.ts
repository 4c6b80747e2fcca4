import { percentageCharge, percentageEventCharge, percentageProblems } from './percentage';
import { big } from './test-helpers';

describe('percentage pricing', () => {
  const pricing = { model: 'percentage' as const, rate: big('0.029'), fixedAmountPerEvent: big('0.3') };
  it('charges the rate of the amount, unrounded', () => expect(percentageCharge(pricing, big('123.45')).toFixed()).toBe('3.58005'));
  it('adds the fixed amount per event', () => expect(percentageEventCharge(pricing, big('3')).toFixed()).toBe('0.9'));
  it('rejects a rate above 100%', () => expect(percentageProblems({ ...pricing, rate: big('1.01') })).toHaveLength(1));
});
