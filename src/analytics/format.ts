// Numbers as people read them, used by the rule texts and every renderer so a
// figure reads the same everywhere (durations: time/duration's formatElapsed).

export function formatCount(n: number | null): string {
  if (n === null) return '—';
  return n.toLocaleString('en-US');
}

/** A count and its noun: "1 run", "2 runs", "1,234 files". Regular plurals only. */
export function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** 1234 -> "1.2k", 5600000 -> "5.6M". */
export function formatTokens(n: number | null): string {
  if (n === null) return '—';
  if (n < 1_000) return String(n);
  if (n < 1_000_000) return `${trim(n / 1_000, n < 10_000 ? 2 : 1)}k`;
  if (n < 1_000_000_000) return `${trim(n / 1_000_000, n < 10_000_000 ? 2 : 1)}M`;
  return `${trim(n / 1_000_000_000, 2)}B`;
}

export function formatPercent(rate: number | null): string {
  return rate === null ? '—' : `${rate.toFixed(1)}%`;
}

/**
 * Cents below $100 ("$99.50"), whole dollars from $100 ("$112"), four decimals
 * below a cent. The rounding happens before the rule is chosen, so $99.996
 * reads "$100", never "$100.00".
 */
export function formatUsd(usd: number | null): string {
  if (usd === null) return '—';
  if (usd === 0) return '$0';
  if (Number(usd.toFixed(4)) < 0.01) return `$${usd.toFixed(4)}`;
  if (Number(usd.toFixed(2)) < 100) return `$${usd.toFixed(2)}`;
  return `$${Math.round(usd).toLocaleString('en-US')}`;
}

export function formatRatio(ratio: number): string {
  return `${trim(ratio, 2)}×`;
}

/** Signed change: "+12", "−3.5 pts", "+40%". */
export function formatSigned(value: number | null, suffix = '', decimals = 0): string {
  if (value === null) return '—';
  const text = Math.abs(value).toFixed(decimals);
  if (Number(text) === 0) return `±0${suffix}`;
  return `${value > 0 ? '+' : '−'}${text}${suffix}`;
}

function trim(value: number, decimals: number): string {
  return String(Number(value.toFixed(decimals)));
}

/** 512 B, 3.4 KB, 120 MB: binary units, one decimal below 10. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Whitespace collapsed to single spaces, cut to `max` characters with an ellipsis. */
export function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
