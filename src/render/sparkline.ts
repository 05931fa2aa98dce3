const BARS = '▁▂▃▄▅▆▇█';

/**
 * A series as block characters, at most `width` wide: longer series are
 * averaged into buckets. A gap (null) is a space. Counts start at zero
 * (`zeroBased`) so a quiet day looks quiet; rates and durations use their own
 * range so a change shows.
 */
export function sparkline(series: readonly (number | null)[], width: number, zeroBased = false): string {
  const points = resample(series, Math.max(1, Math.floor(width)));
  const values = points.filter((v): v is number => v !== null);
  if (values.length === 0) return ' '.repeat(points.length);
  const max = Math.max(...values);
  const min = zeroBased ? Math.min(0, ...values) : Math.min(...values);
  return points
    .map((v) => {
      if (v === null) return ' ';
      if (max === min) return max === 0 ? BARS[0] : BARS[3];
      const level = Math.round(((v - min) / (max - min)) * (BARS.length - 1));
      return BARS[level];
    })
    .join('');
}

function resample(series: readonly (number | null)[], width: number): (number | null)[] {
  if (series.length <= width) return [...series];
  const out: (number | null)[] = [];
  for (let i = 0; i < width; i++) {
    const from = Math.floor((i * series.length) / width);
    const to = Math.floor(((i + 1) * series.length) / width);
    let total = 0;
    let n = 0;
    for (let j = from; j < to; j++) {
      const v = series[j];
      if (v !== null && v !== undefined) {
        total += v;
        n++;
      }
    }
    out.push(n ? total / n : null);
  }
  return out;
}
