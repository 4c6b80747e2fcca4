/**
 * Calendar dates (`YYYY-MM-DD`, UTC) and instants (`YYYY-MM-DDTHH:mm:ss[.fff]Z`), pure.
 * Date strings of this shape compare correctly as strings, which is all the domain needs.
 */
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,3})?Z$/;

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function isIsoDate(text: string): boolean {
  const match = ISO_DATE.exec(text);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

export function isIsoInstant(text: string): boolean {
  const match = ISO_INSTANT.exec(text);
  return match !== null && isIsoDate(match[1]);
}

/** The UTC calendar date of an instant. */
export function dateOf(instant: string): string {
  return instant.slice(0, 10);
}

/** date + months, the day clamped to the target month's last day (2026-01-31 + 1 month = 2026-02-28). */
export function addMonths(date: string, months: number): string {
  const match = ISO_DATE.exec(date);
  if (match === null) throw new RangeError(`not an ISO date: ${date}`);
  const monthIndex = Number(match[1]) * 12 + (Number(match[2]) - 1) + months;
  const year = Math.floor(monthIndex / 12);
  const month = (monthIndex % 12) + 1;
  const day = Math.min(Number(match[3]), daysInMonth(year, month));
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** date + days (negative to go back). */
export function addDays(date: string, days: number): string {
  if (!isIsoDate(date)) throw new RangeError(`not an ISO date: ${date}`);
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}

/** Compares two ISO instants by the time they denote (string order breaks between `...00Z` and `...00.000Z`). */
export function instantAtOrBefore(instant: string, bound: string): boolean {
  return Date.parse(instant) <= Date.parse(bound);
}
