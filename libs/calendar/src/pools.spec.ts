import { poolOf, type Pool } from './index';

const ids = (pool: Pool) => pool.periods.map((period) => period.periodId);

describe('poolOf: a pool follows the contract billing alignment', () => {
  it('pools calendar quarters for a calendar contract from 2026-02-01: Q1 holds Feb and Mar only', () => {
    const q1 = poolOf('2026-03-10', 'calendar_month', '2026-02-01', '2027-02-01', 3);
    expect(q1).toMatchObject({ poolId: '2026-02..2026-03', startDate: '2026-02-01', endDate: '2026-04-01' });
    expect(ids(q1)).toEqual(['2026-02', '2026-03']);
    expect(ids(poolOf('2026-04-01', 'calendar_month', '2026-02-01', '2027-02-01', 3))).toEqual(['2026-04', '2026-05', '2026-06']);
  });

  it('pools three periods from the start for an anniversary contract from 2026-02-01: Feb to Apr', () => {
    const first = poolOf('2026-02-01', 'contract_anniversary', '2026-02-01', '2027-02-01', 3);
    expect(first).toMatchObject({ poolId: '2026-02-01..2026-04-01', startDate: '2026-02-01', endDate: '2026-05-01' });
    expect(ids(first)).toEqual(['2026-02-01', '2026-03-01', '2026-04-01']);
    expect(poolOf('2026-04-30', 'contract_anniversary', '2026-02-01', '2027-02-01', 3).poolId).toBe('2026-02-01..2026-04-01');
    expect(poolOf('2026-05-01', 'contract_anniversary', '2026-02-01', '2027-02-01', 3).poolId).toBe('2026-05-01..2026-07-01');
  });

  it('agrees on both alignments for a contract starting on January 1 (scenario A)', () => {
    expect(ids(poolOf('2026-01-01', 'calendar_month', '2026-01-01', '2027-01-01', 3))).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(poolOf('2026-02-14', 'contract_anniversary', '2026-01-01', '2027-01-01', 3)).toMatchObject({ startDate: '2026-01-01', endDate: '2026-04-01' });
  });

  it('puts a calendar contract starting mid-month in the quarter of its first (whole) month', () => {
    const pool = poolOf('2026-02-01', 'calendar_month', '2026-02-15', '2027-02-15', 3);
    expect(ids(pool)).toEqual(['2026-02', '2026-03']);
    expect(poolOf('2026-02-01', 'calendar_month', '2026-02-15', null, 3).poolId).toBe('2026-02..2026-03');
  });

  it('anchors an anniversary contract starting mid-month (and on the 31st) on its start day', () => {
    expect(ids(poolOf('2026-03-20', 'contract_anniversary', '2026-01-15', null, 3))).toEqual(['2026-01-15', '2026-02-15', '2026-03-15']);
    expect(poolOf('2026-04-30', 'contract_anniversary', '2026-01-31', null, 3)).toMatchObject({ startDate: '2026-04-30', endDate: '2026-07-31' });
  });

  it('cuts the last pool at the contract end, keeping only the periods inside the contract', () => {
    expect(ids(poolOf('2027-01-10', 'calendar_month', '2026-02-01', '2027-02-01', 3))).toEqual(['2027-01']);
    expect(ids(poolOf('2026-05-01', 'contract_anniversary', '2026-01-15', '2026-05-15', 3))).toEqual(['2026-04-15']);
    // A termination mid-month keeps the month it ends in.
    expect(ids(poolOf('2026-05-02', 'calendar_month', '2026-01-01', '2026-05-10', 3))).toEqual(['2026-04', '2026-05']);
  });

  it('pools calendar years and anniversary years', () => {
    const calendarYear = poolOf('2026-06-30', 'calendar_month', '2026-02-01', '2028-02-01', 12);
    expect(calendarYear).toMatchObject({ poolId: '2026-02..2026-12', startDate: '2026-02-01', endDate: '2027-01-01' });
    expect(calendarYear.periods).toHaveLength(11);
    expect(poolOf('2027-03-01', 'calendar_month', '2026-02-01', '2028-02-01', 12).periods).toHaveLength(12);
    expect(poolOf('2028-01-31', 'calendar_month', '2026-02-01', '2028-02-01', 12).periods).toHaveLength(1);
    const anniversaryYear = poolOf('2027-01-31', 'contract_anniversary', '2026-02-01', '2028-02-01', 12);
    expect(anniversaryYear).toMatchObject({ poolId: '2026-02-01..2027-01-01', startDate: '2026-02-01', endDate: '2027-02-01' });
  });

  it('refuses a date outside the contract', () => {
    expect(() => poolOf('2027-02-01', 'calendar_month', '2026-02-01', '2027-02-01', 3)).toThrow(RangeError);
    expect(() => poolOf('2026-02-30', 'calendar_month', '2026-02-01', null, 3)).toThrow(RangeError);
  });
});
