import { expect, test } from 'vitest';
import { DurationSet } from '../../src/analytics/durations.js';
import { median, mergeSorted, percentile, robustSpread } from '../../src/analytics/stats.js';

test('percentiles over many days equal those of the merged list, for any data', () => {
  let seed = 7;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  for (let trial = 0; trial < 200; trial++) {
    const lists = Array.from({ length: 1 + Math.floor(random() * 12) }, () =>
      Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() ** 3 * 100_000)).sort((a, b) => a - b),
    );
    const set = new DurationSet();
    lists.forEach((list) => set.add(list));
    const merged = mergeSorted(lists);
    for (const p of [0, 1, 25, 50, 90, 95, 99, 100]) expect(set.percentile(p)).toBe(percentile(merged, p));
    expect(set.median()).toBe(median(merged));
    expect(set.count).toBe(merged.length);
    expect(set.mean()).toBe(merged.length ? Math.round(merged.reduce((a, b) => a + b, 0) / merged.length) : null);
    expect(set.sorted()).toEqual(merged);
  }
});

test('an empty set has no percentile, mean or median', () => {
  const set = new DurationSet();
  set.add([]);
  expect([set.percentile(50), set.mean(), set.median(), set.count]).toEqual([null, null, null, 0]);
});

test('the log-scale median and spread by selection equal a direct computation', () => {
  let seed = 11;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  for (let trial = 0; trial < 100; trial++) {
    const lists = Array.from({ length: 1 + Math.floor(random() * 8) }, () =>
      Array.from({ length: 1 + Math.floor(random() * 30) }, () => Math.floor(Math.exp(random() * 12))).sort((a, b) => a - b),
    );
    const set = new DurationSet();
    lists.forEach((list) => set.add(list));
    const direct = robustSpread(mergeSorted(lists).map((v) => Math.log(Math.max(1, v))));
    const selected = set.logSpread();
    if (direct === null) expect(selected).toBeNull();
    else {
      expect(selected!.median).toBe(direct.median);
      expect(selected!.spread).toBe(direct.spread);
    }
  }
});
