// Numbers as people read them, used by the rule texts and every renderer so a
// figure reads the same everywhere.

export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${trim(ms / 1_000, ms < 10_000 ? 2 : 1)} s`;
  if (ms < 3_600_000) {
    const minutes = Math.floor(ms / 60_000);
    const seconds = Math.round((ms % 60_000) / 1_000);
    return seconds === 60 ? `${minutes + 1} min` : `${minutes} min ${seconds} s`;
  }
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.round((ms % 3_600_000) / 60_000);
  return minutes === 60 ? `${hours + 1} h` : `${hours} h ${minutes} min`;
}

export function formatCount(n: number | null): string {
  if (n === null) return '—';
  return n.toLocaleString('en-US');
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

export function formatUsd(usd: number | null): string {
  if (usd === null) return '—';
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  if (usd < 100) return `$${usd.toFixed(2)}`;
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
