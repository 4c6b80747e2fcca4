/**
 * Enum symbols <-> domain literals, for mappers. Avro enums are UpperCamelCase symbols; domains use their own
 * literals. An unknown symbol is a RangeError: a mapper table out of step with its schema is a bug, not bad input.
 */
export function fromSymbol<D>(table: Readonly<Record<string, D>>, symbol: string, field = 'enum'): D {
  const value = table[symbol];
  if (value === undefined) throw new RangeError(`${field}: unknown symbol ${symbol}`);
  return value;
}

export function toSymbol<W extends string>(table: Readonly<Record<string, string>>, value: string): W {
  const entry = Object.entries(table).find(([, domain]) => domain === value);
  if (entry === undefined) throw new RangeError(`no wire symbol for ${value}`);
  return entry[0] as W;
}

/** A wire date ('YYYY-MM-DD', UTC) as the instant it starts. */
export function dayStart(date: string): string {
  return `${date}T00:00:00.000Z`;
}
