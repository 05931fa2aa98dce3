import { mergeSorted, type RobustSpread } from './stats.js';

// The exact durations of many days, kept as the days' own ascending lists.
// A nearest-rank percentile over all of them is found by a binary search on
// the value (durations are whole milliseconds): count how many are <= v with
// a binary search in each list. A month of a busy agent is then a few
// thousand comparisons instead of merging and copying 100,000 numbers, and
// the answer is exactly the percentile of the merged list.

export class DurationSet {
  private readonly lists: (readonly number[])[] = [];
  private merged: number[] | null = null;
  count = 0;
  sum = 0;

  /** Adds an ascending list of whole numbers (it is kept, not copied). */
  add(list: readonly number[]): void {
    if (list.length === 0) return;
    this.lists.push(list);
    this.count += list.length;
    for (let i = 0; i < list.length; i++) this.sum += list[i]!;
    this.merged = null;
  }

  addAll(other: DurationSet): void {
    for (const list of other.lists) this.add(list);
  }

  /** Nearest-rank percentile, as percentile() gives on the merged list. */
  percentile(p: number): number | null {
    if (this.count === 0) return null;
    const rank = Math.min(this.count, Math.max(1, Math.ceil((p / 100) * this.count)));
    return this.kth(rank);
  }

  mean(): number | null {
    return this.count > 0 ? Math.round(this.sum / this.count) : null;
  }

  median(): number | null {
    if (this.count === 0) return null;
    const mid = this.count >> 1;
    return this.count % 2 ? this.kth(mid + 1) : (this.kth(mid)! + this.kth(mid + 1)!) / 2;
  }

  /**
   * Median and robust spread of ln(duration), found by selection like the
   * percentiles: no list of a year's durations is ever built. The spread is
   * 1.4826 x MAD, or 1.2533 x the mean absolute deviation when the MAD is 0.
   */
  logSpread(): RobustSpread | null {
    if (this.count === 0) return null;
    const ln = (ms: number) => Math.log(Math.max(1, ms));
    const mid = this.count >> 1;
    const m = this.count % 2 ? ln(this.kth(mid + 1)) : (ln(this.kth(mid)) + ln(this.kth(mid + 1))) / 2;
    const mad = this.count % 2 ? this.kthDeviation(mid + 1, m) : (this.kthDeviation(mid, m) + this.kthDeviation(mid + 1, m)) / 2;
    if (mad > 0) return { median: m, spread: mad * 1.4826 };
    let total = 0;
    for (const list of this.lists) for (const v of list) total += Math.abs(ln(v) - m);
    const meanAd = total / this.count;
    return meanAd > 0 ? { median: m, spread: meanAd * 1.2533 } : null;
  }

  /** k-th smallest |ln(x) - m|, by bisection on the deviation (whole-millisecond values bound each step). */
  private kthDeviation(k: number, m: number): number {
    const within = (d: number) => this.countAtMost(Math.floor(Math.exp(m + d) + 1e-9)) - this.countAtMost(Math.ceil(Math.exp(m - d) - 1e-9) - 1);
    let lo = 0;
    let hi = Math.max(Math.abs(Math.log(Math.max(1, this.kth(1))) - m), Math.abs(Math.log(Math.max(1, this.kth(this.count))) - m));
    if (within(0) >= k) return 0;
    for (let i = 0; i < 64 && hi - lo > 1e-12; i++) {
      const mid = (lo + hi) / 2;
      if (within(mid) >= k) hi = mid;
      else lo = mid;
    }
    // The k-th deviation is that of the farthest value inside the final bound: use it exactly.
    const top = this.largestAtMost(Math.floor(Math.exp(m + hi) + 1e-9));
    const bottom = this.smallestAtLeast(Math.ceil(Math.exp(m - hi) - 1e-9));
    return Math.max(top === null ? 0 : Math.abs(Math.log(Math.max(1, top)) - m), bottom === null ? 0 : Math.abs(Math.log(Math.max(1, bottom)) - m));
  }

  private largestAtMost(value: number): number | null {
    let best: number | null = null;
    for (const list of this.lists) {
      const i = upperBound(list, value) - 1;
      if (i >= 0 && (best === null || list[i]! > best)) best = list[i]!;
    }
    return best;
  }

  private smallestAtLeast(value: number): number | null {
    let best: number | null = null;
    for (const list of this.lists) {
      const i = upperBound(list, value - 1);
      if (i < list.length && (best === null || list[i]! < best)) best = list[i]!;
    }
    return best;
  }

  /** All values ascending; built once, for the few uses that need every value. */
  sorted(): number[] {
    if (!this.merged) this.merged = this.lists.length === 1 ? this.lists[0]!.slice() : mergeSorted(this.lists);
    return this.merged;
  }

  /** The k-th smallest value (1-based). */
  private kth(k: number): number {
    if (this.lists.length === 1) return this.lists[0]![k - 1]!;
    if (this.merged) return this.merged[k - 1]!;
    let lo = Infinity;
    let hi = -Infinity;
    for (const list of this.lists) {
      lo = Math.min(lo, list[0]!);
      hi = Math.max(hi, list[list.length - 1]!);
    }
    // Smallest v with at least k values <= v; every candidate is a whole number.
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.countAtMost(mid) >= k) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private countAtMost(value: number): number {
    let n = 0;
    for (const list of this.lists) n += upperBound(list, value);
    return n;
  }
}

/** How many values of an ascending list are <= value. */
function upperBound(list: readonly number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

