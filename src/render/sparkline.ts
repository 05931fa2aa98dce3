const BARS = '▁▂▃▄▅▆▇█';

/**
 * A daily series as block characters, one per day. Series are never averaged
 * into fewer characters: buckets of one and two days side by side distort the
 * shape, so a caller short of room shows the last days and says so. A gap
 * (null) is a space. Counts start at zero (`zeroBased`) so a quiet day looks
 * quiet; rates and durations use their own range so a change shows.
 */
export function sparkline(series: readonly (number | null)[], zeroBased = false): string {
  const values = series.filter((v): v is number => v !== null);
  if (values.length === 0) return ' '.repeat(series.length);
  const max = Math.max(...values);
  const min = zeroBased ? Math.min(0, ...values) : Math.min(...values);
  return series
    .map((v) => {
      if (v === null) return ' ';
      if (max === min) return max === 0 ? BARS[0] : BARS[3];
      const level = Math.round(((v - min) / (max - min)) * (BARS.length - 1));
      return BARS[level];
    })
    .join('');
}

/** The label of a sparkline that shows only the last `shown` of `total` days. */
export function sparkLabel(label: string, shown: number, total: number): string {
  return shown < total ? `${label} (last ${shown} d)` : label;
}
