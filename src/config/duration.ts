// The one duration parser: "90s", "30m", "12h", "7d", "2w" -> milliseconds.
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
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
