import type { RE2JS } from 're2js';

// Patterns from the user's config (`priority.rules[].promptMatches`) run inside
// the hook on prompts: a backtracking engine lets one pattern such as (a+)+$
// stall Claude Code until it kills the hook, so they run on RE2, whose time is
// linear in the text. re2js is 147 KB minified, twice the rest of the hook, so
// it loads only when a config names a pattern: the built hook requires it from
// dist/re2js.cjs (see tsup.config.ts), tests and the CLI from the package.

/** The most of a prompt or description a pattern is tested on. */
export const PATTERN_INPUT_MAX = 20_000;

let engine: typeof RE2JS | undefined;
const compiled = new Map<string, RE2JS>();

function re2(): typeof RE2JS {
  // A plain require, not an import: the import would load re2js with the hook every time.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  engine ??= (require('re2js') as typeof import('re2js')).RE2JS;
  return engine;
}

function compile(source: string): RE2JS {
  let pattern = compiled.get(source);
  if (!pattern) {
    const RE2 = re2();
    pattern = RE2.compile(source, RE2.CASE_INSENSITIVE);
    compiled.set(source, pattern);
  }
  return pattern;
}

/** Why a configured pattern cannot be used, or null when it can (RE2 syntax: no lookaround, no backreferences). */
export function configuredPatternError(source: string): string | null {
  try {
    compile(source);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Whether the case-insensitive pattern occurs in the first PATTERN_INPUT_MAX characters of `text`. */
export function matchesConfiguredPattern(source: string, text: string): boolean {
  return compile(source).test(text.length > PATTERN_INPUT_MAX ? text.slice(0, PATTERN_INPUT_MAX) : text);
}

/**
 * A glob ("security-*", "?a*") matched case-insensitively, in time linear in
 * name × glob: the classic two-pointer match that backs up only to the last
 * star, where the regex it replaced (`^.*a.*a.*$`) backtracked polynomially.
 */
export function matchesGlob(glob: string, name: string): boolean {
  const g = glob.toLowerCase();
  const n = name.toLowerCase();
  let gi = 0;
  let ni = 0;
  let star = -1;
  let resume = 0;
  while (ni < n.length) {
    if (gi < g.length && (g[gi] === '?' || g[gi] === n[ni])) {
      gi++;
      ni++;
    } else if (gi < g.length && g[gi] === '*') {
      star = gi++;
      resume = ni;
    } else if (star >= 0) {
      gi = star + 1;
      ni = ++resume;
    } else return false;
  }
  while (gi < g.length && g[gi] === '*') gi++;
  return gi === g.length;
}
