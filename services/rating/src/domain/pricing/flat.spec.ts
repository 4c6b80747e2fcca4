import { flatCharge, flatProblems } from './flat';
import { big } from './test-helpers';

describe('flat pricing', () => {
  it('charges the amount once per period', () => expect(flatCharge({ model: 'flat', amount: big('50000') }).eq('50000')).toBe(true));
  it('rejects a negative amount', () => expect(flatProblems({ model: 'flat', amount: big('-1') })).toHaveLength(1));
});
