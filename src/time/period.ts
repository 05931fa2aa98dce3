import { DAY_MS } from './duration.js';

// Calendar arithmetic on day names ("YYYY-MM-DD", the day folders' local
// dates). Days are counted as UTC calendar dates, so no daylight-saving change
// can make a day 23 or 25 hours long or skip one.

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 for a valid day name, else null ("2026-02-30" is not a day). */
export function dayNumber(day: string): number | null {
  const match = DAY.exec(day);
  if (!match) return null;
  const [, y, m, d] = match;
  const ms = Date.UTC(Number(y), Number(m) - 1, Number(d));
  return dayName(ms / DAY_MS) === day ? ms / DAY_MS : null;
}

export function dayName(number: number): string {
  return new Date(number * DAY_MS).toISOString().slice(0, 10);
}

/** The local calendar day of an instant, as its day folder is named: the inverse of localDayStart. */
export function localDay(ms: number): string {
  const at = new Date(ms);
  return `${String(at.getFullYear()).padStart(4, '0')}-${String(at.getMonth() + 1).padStart(2, '0')}-${String(at.getDate()).padStart(2, '0')}`;
}

/**
 * Local midnight at the start of a day ("YYYY-MM-DD", a day folder's name),
 * or of the day `plusDays` after it: a local day runs 23 or 25 hours on a
 * daylight-saving change, so its end is the next day's start.
 */
export function localDayStart(day: string, plusDays = 0): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + plusDays).getTime();
}

export function addDays(day: string, days: number): string {
  return dayName(dayNumber(day)! + days);
}

/** Days from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): string[] {
  const start = dayNumber(from)!;
  const end = dayNumber(to)!;
  const out: string[] = [];
  for (let n = start; n <= end; n++) out.push(dayName(n));
  return out;
}

export function dayCount(from: string, to: string): number {
  return dayNumber(to)! - dayNumber(from)! + 1;
}

/** ISO weekday, Monday = 1 ... Sunday = 7. */
function isoWeekday(number: number): number {
  return ((((number + 3) % 7) + 7) % 7) + 1; // 1970-01-01 was a Thursday.
}

/** The ISO week a day belongs to, "2026-W48". */
export function isoWeekOf(day: string): string {
  const n = dayNumber(day)!;
  const thursday = n - isoWeekday(n) + 4; // The week belongs to the year of its Thursday.
  const year = Number(dayName(thursday).slice(0, 4));
  const jan1 = dayNumber(`${year}-01-01`)!;
  const week = Math.floor((thursday - jan1) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Monday to Sunday of "YYYY-Www", or null when there is no such week. */
export function isoWeekRange(week: string): { from: string; to: string } | null {
  const match = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!match) return null;
  const year = Number(match[1]);
  const number = Number(match[2]);
  const jan4 = dayNumber(`${match[1]}-01-04`);
  if (jan4 === null || number < 1) return null;
  const monday = jan4 - isoWeekday(jan4) + 1 + (number - 1) * 7;
  const from = dayName(monday);
  return isoWeekOf(from) === `${year}-W${match[2]}` ? { from, to: dayName(monday + 6) } : null;
}

/** First and last day of "YYYY-MM", or null. */
export function monthRange(month: string): { from: string; to: string } | null {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  if (!match || dayNumber(`${month}-01`) === null) return null;
  const next = Number(match[2]) === 12 ? `${Number(match[1]) + 1}-01-01` : `${match[1]}-${String(Number(match[2]) + 1).padStart(2, '0')}-01`;
  return { from: `${month}-01`, to: addDays(next.padStart(10, '0'), -1) };
}

export type PeriodKind = 'daily' | 'weekly' | 'monthly' | 'custom';

export interface Period {
  kind: PeriodKind;
  /** "2026-11-25", "2026-W48", "2026-11" or "2026-11-01 to 2026-11-20". */
  label: string;
  from: string;
  to: string;
  /** False while the period still runs (it ends today or later). */
  complete: boolean;
}

/**
 * A period as asked for, with its end cut at today: a report on the current
 * week or month covers the days so far and says it is not complete.
 */
export function makePeriod(kind: PeriodKind, label: string, from: string, to: string, today: string): Period {
  const end = from <= today && to > today ? today : to;
  return { kind, label, from, to: end, complete: to < today };
}

export function dailyPeriod(day: string, today: string): Period {
  return makePeriod('daily', day, day, day, today);
}

/** The 7 days ending `end` (today by default). */
export function trailingWeek(end: string, today: string): Period {
  const from = addDays(end, -6);
  return makePeriod('weekly', `${from} to ${end}`, from, end, today);
}

export function isoWeekPeriod(week: string, today: string): Period | null {
  const range = isoWeekRange(week);
  return range ? makePeriod('weekly', week, range.from, range.to, today) : null;
}

export function monthPeriod(month: string, today: string): Period | null {
  const range = monthRange(month);
  return range ? makePeriod('monthly', month, range.from, range.to, today) : null;
}

export function customPeriod(from: string, to: string, today: string): Period {
  return makePeriod('custom', `${from} to ${to}`, from, to, today);
}

/** The period of the same length just before `period`. */
export function previousPeriod(period: Pick<Period, 'from' | 'to'>): { from: string; to: string } {
  const length = dayCount(period.from, period.to);
  return { from: addDays(period.from, -length), to: addDays(period.from, -1) };
}

export function periodText(period: Pick<Period, 'from' | 'to'>): string {
  return `${period.from} to ${period.to}`;
}

/** The `range` object of report and trends JSON. */
export function periodRange(period: Period) {
  return {
    kind: period.kind,
    label: period.label,
    from: period.from,
    to: period.to,
    days: dayCount(period.from, period.to),
    complete: period.complete,
  };
}
