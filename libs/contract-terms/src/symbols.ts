import { ContractTermsUnreadable } from './errors';
import type * as words from './vocabulary';

/**
 * The Avro enum symbols of contracts.events.v1 and the vocabulary word each stands for: the one table per enum
 * (the contracts service writes with them, every consumer reads with them). `Unknown` (each enum's default) is
 * deliberately absent: a record carrying it is unreadable, not guessed at.
 */
export const CONTRACT_SYMBOLS = {
  billingCadence: { Monthly: 'monthly', Quarterly: 'quarterly', Annual: 'annual' } as Readonly<Record<string, words.BillingCadence>>,
  billingAlignment: { Calendar: 'calendar_month', Anniversary: 'contract_anniversary' } as Readonly<Record<string, words.BillingAlignment>>,
  billingTiming: { InAdvance: 'in_advance', InArrears: 'in_arrears' } as Readonly<Record<string, words.BillingTiming>>,
  feePeriod: { Month: 'month', Quarter: 'quarter', Year: 'year' } as Readonly<Record<string, words.FeePeriod>>,
  feeCategory: { Platform: 'platform', Subscription: 'subscription' } as Readonly<Record<string, words.FeeCategory>>,
  aggregation: { Sum: 'sum', Count: 'count', Max: 'max', UniqueCount: 'unique_count', Last: 'latest' } as Readonly<Record<string, words.UsageAggregation>>,
  commitScope: { Monthly: 'monthly', PooledQuarterly: 'pooled_quarterly', PooledAnnual: 'pooled_annual' } as Readonly<Record<string, words.CommitScope>>,
  overagePolicy: { Bill: 'bill', Block: 'block' } as Readonly<Record<string, words.OveragePolicy>>,
  contactRole: { Billing: 'billing', Technical: 'technical', Legal: 'legal', Primary: 'primary' } as Readonly<Record<string, words.ContactRole>>,
} as const;

export type ContractSymbolTable = keyof typeof CONTRACT_SYMBOLS;
type WordOf<T extends ContractSymbolTable> = (typeof CONTRACT_SYMBOLS)[T][string];

/** The vocabulary word of a wire symbol; ContractTermsUnreadable for a symbol the table lacks. */
export function wordOf<T extends ContractSymbolTable>(table: T, symbol: string, field: string = table): WordOf<T> {
  const word = (CONTRACT_SYMBOLS[table] as Readonly<Record<string, WordOf<T>>>)[symbol];
  if (word === undefined) throw new ContractTermsUnreadable('UNKNOWN_SYMBOL', `${field}: no word for symbol ${JSON.stringify(symbol)}`, { field, symbol });
  return word;
}

/** The wire symbol of a vocabulary word (the writer's side). A word without a symbol is a bug: RangeError. */
export function symbolOf<W extends string>(table: ContractSymbolTable, word: string): W {
  const entry = Object.entries(CONTRACT_SYMBOLS[table]).find(([, candidate]) => candidate === word);
  if (entry === undefined) throw new RangeError(`${table}: no wire symbol for ${word}`);
  return entry[0] as W;
}
