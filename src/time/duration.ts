// Durations, parsed and formatted once: the parser for settings and flags
// ("90s", "30m", "12h", "7d", "2w" -> milliseconds), the same form written
// back (formatDurationSetting), and a duration as people read it (formatElapsed).

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
/** One calendar day (a local day may run 23 or 25 hours; day counts go through time/period). */
export const DAY_MS = 24 * HOUR_MS;

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: MINUTE_MS,
  h: HOUR_MS,
  d: DAY_MS,
  w: 7 * DAY_MS,
};

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/;

/**
 * The longest duration accepted: 100 years. Retention turns a duration into
 * a date before today, and a few hundred thousand years back there is no
 * date to name (a RangeError deep inside a prune, not a usage error).
 */
export const MAX_DURATION_MS = 36_500 * UNIT_MS.d!;

export function parseDuration(text: string): number | null {
  const match = DURATION.exec(text.trim().toLowerCase());
  if (!match) return null;
  const ms = Math.round(Number(match[1]) * UNIT_MS[match[2]!]!);
  return ms <= MAX_DURATION_MS ? ms : null;
}

export const DURATION_HELP = 'a number and a unit: ms, s, m, h, d or w (e.g. 90s, 2h, 7d), at most 100 years (36500d)';

/** 7d, 36h, 90m: the duration written back in whole units parseDuration reads, days first (14d rather than 2w). */
export function formatDurationSetting(ms: number): string {
  if (ms === 0) return '0d';
  const units: [number, string][] = [
    [DAY_MS, 'd'],
    [HOUR_MS, 'h'],
    [MINUTE_MS, 'm'],
    [1_000, 's'],
  ];
  for (const [size, unit] of units) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/** A duration as people read it: "850 ms", "4.25 s", "2 min 5 s", "1 h". */
export function formatElapsed(ms: number | null): string {
  if (ms === null) return '—';
  // Each unit is chosen after rounding, so 59.96 s reads "1 min", not "60 s",
  // and a zero remainder is left out ("1 h", not "1 h 0 min").
  if (Math.round(ms) < 1_000) return `${Math.round(ms)} ms`;
  const decimals = ms < 10_000 ? 2 : 1;
  const seconds = Number((ms / 1_000).toFixed(decimals));
  if (seconds < 60) return `${seconds} s`;
  const wholeSeconds = Math.round(ms / 1_000);
  if (wholeSeconds < 3_600) return withRest(Math.floor(wholeSeconds / 60), 'min', wholeSeconds % 60, 's');
  const wholeMinutes = Math.round(ms / MINUTE_MS);
  return withRest(Math.floor(wholeMinutes / 60), 'h', wholeMinutes % 60, 'min');
}

function withRest(whole: number, unit: string, rest: number, restUnit: string): string {
  return rest === 0 ? `${whole} ${unit}` : `${whole} ${unit} ${rest} ${restUnit}`;
}
