// Small exact statistics over plain numbers. Percentiles use the nearest-rank
// method: the answer is always a value that was observed, so a p95 of
// durations is a real duration in whole milliseconds, and the same sorted
// values always give the same figure however the days were merged.

/** Nearest-rank percentile of ascending values; null when there are none. */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const rank = Math.ceil((p / 100) * n);
  return sorted[Math.min(n - 1, Math.max(0, rank - 1))]!;
}

/** Classic median (mean of the two middle values for an even count). */
export function median(sorted: ArrayLike<number>): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const mid = n >> 1;
  return n % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  return total;
}

/** Mean rounded to whole units (milliseconds, tokens); null when there is nothing to average. */
export function roundedMean(total: number, count: number): number | null {
  return count > 0 ? Math.round(total / count) : null;
}

/** A share as a percentage with one decimal, as the design document shows it (94.3). */
export function percent(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 1000) / 10 : null;
}

export function ascending(a: number, b: number): number {
  return a - b;
}

/** Several ascending arrays as one ascending array. */
export function mergeSorted(lists: readonly (readonly number[])[]): number[] {
  const nonEmpty = lists.filter((list) => list.length > 0);
  if (nonEmpty.length === 0) return [];
  if (nonEmpty.length === 1) return nonEmpty[0]!.slice();
  if (nonEmpty.length === 2) return mergeTwo(nonEmpty[0]!, nonEmpty[1]!);
  // Typed-array sort is numeric and much faster than a k-way merge in JS.
  let total = 0;
  for (const list of nonEmpty) total += list.length;
  const all = new Float64Array(total);
  let offset = 0;
  for (const list of nonEmpty) {
    all.set(list, offset);
    offset += list.length;
  }
  all.sort();
  return Array.from(all);
}

function mergeTwo(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i]! <= b[j]! ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

export interface RobustSpread {
  median: number;
  /** Scaled so that it estimates the standard deviation of normal data. */
  spread: number;
}

const MAD_SCALE = 1.4826;
const MEAN_AD_SCALE = 1.2533;

/**
 * Median and median absolute deviation of ascending values. When more than
 * half the values are equal the MAD is 0; the mean absolute deviation then
 * stands in (the usual fallback), so one burst among quiet days still shows.
 * Null when the values do not vary at all.
 */
export function robustSpread(sorted: readonly number[]): RobustSpread | null {
  const m = median(sorted);
  if (m === null) return null;
  const deviations = absoluteDeviations(sorted, m);
  const mad = median(deviations)!;
  if (mad > 0) return { median: m, spread: mad * MAD_SCALE };
  const meanAd = sum(deviations) / deviations.length;
  return meanAd > 0 ? { median: m, spread: meanAd * MEAN_AD_SCALE } : null;
}

/** |x - m| for ascending x, produced in ascending order by merging both sides of m. */
function absoluteDeviations(sorted: readonly number[], m: number): number[] {
  let right = 0;
  while (right < sorted.length && sorted[right]! < m) right++;
  let left = right - 1;
  const out = new Array<number>(sorted.length);
  let k = 0;
  while (left >= 0 || right < sorted.length) {
    const l = left >= 0 ? m - sorted[left]! : Infinity;
    const r = right < sorted.length ? sorted[right]! - m : Infinity;
    if (l <= r) {
      out[k++] = l;
      left--;
    } else {
      out[k++] = r;
      right++;
    }
  }
  return out;
}

/** How many robust spreads a value lies from the median (signed). */
export function robustScore(value: number, spread: RobustSpread): number {
  return (value - spread.median) / spread.spread;
}

/** Least-squares slope of y over x = 0, 1, 2, ... ignoring missing points; null with fewer than 2 points. */
export function slope(series: readonly (number | null)[]): number | null {
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  series.forEach((y, x) => {
    if (y === null) return;
    n++;
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  });
  if (n < 2) return null;
  const denominator = n * sxx - sx * sx;
  return denominator === 0 ? null : (n * sxy - sx * sy) / denominator;
}

/**
 * Lower bound of the Wilson score interval (95%) for a success share. Ranking
 * by it keeps an agent with 1 run out of 1 from outranking one with 97 of 100.
 */
export function wilsonLowerBound(successes: number, total: number): number {
  if (total === 0) return 0;
  const z = 1.96;
  const p = successes / total;
  const z2 = z * z;
  return (p + z2 / (2 * total) - z * Math.sqrt((p * (1 - p) + z2 / (4 * total)) / total)) / (1 + z2 / total);
}

/** Round to a fixed number of decimals, for figures that are not exact by nature (rates, slopes, money). */
export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
