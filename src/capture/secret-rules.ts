// gitleaks' rule set (https://github.com/gitleaks/gitleaks, MIT), carried as
// data by scripts/import-gitleaks-rules.ts: a maintained list of provider key
// formats that we do not have to keep current by hand. A rule runs only when
// one of its keywords occurs in the text (gitleaks' own pre-filter), and is
// compiled on first use: most texts compile none.

export interface SecretRule {
  id: string;
  /** JavaScript source, rewritten from gitleaks' RE2 pattern. */
  pattern: string;
  flags: string;
  /** Lower-case words one of which the text must contain. */
  keywords: string[];
  /** The capture group that is the secret; else the first that matched, else the whole match. */
  group?: number;
  /** gitleaks' minimum Shannon entropy of the secret: below it, a match is a word, not a key. */
  entropy?: number;
}

export interface CompiledRule {
  id: string;
  keywords: string[];
  regex: RegExp;
  group: number | undefined;
  entropy: number | undefined;
}

// Required on the first text to scrub, not imported: the rules are 38 KB, a
// third of the hook bundle, and most hook processes (SubagentStart, SessionEnd,
// an event of no agent) scrub nothing. The built hook and statusline read the
// file beside their bundle (tsup.config.ts); tests and the CLI, from here.
let loaded: SecretRule[] | undefined;
function allRules(): SecretRule[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require('./secret-rules.json') as SecretRule[]);
}
const compiled = new Map<number, CompiledRule>();

// Keywords by their first two characters: one pass over the text finds every
// keyword that occurs, where asking each rule's keywords in turn scanned a 10 kB
// prompt ~300 times (most of the scrubber's time).
let byPrefix: Map<number, string[]> | undefined;
const pair = (text: string, i: number) => text.charCodeAt(i) * 65_536 + text.charCodeAt(i + 1);

function keywordsIn(lowerText: string): Set<string> {
  if (!byPrefix) {
    byPrefix = new Map();
    for (const keyword of new Set(allRules().flatMap((r) => r.keywords))) {
      const prefix = pair(keyword, 0);
      byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), keyword]);
    }
  }
  const found = new Set<string>();
  for (let i = 0; i < lowerText.length - 1; i++) {
    const candidates = byPrefix.get(pair(lowerText, i));
    if (candidates) for (const k of candidates) if (lowerText.startsWith(k, i)) found.add(k);
  }
  return found;
}

/**
 * The carried rules whose keywords occur in `lowerText`, compiled (with
 * indices: the secret is a group). Among `among` only, when given: the rules
 * already found in a text that contains this one.
 */
export function rulesFor(lowerText: string, among?: CompiledRule[]): CompiledRule[] {
  // No keyword is shorter than two characters: a shorter text needs no rule (nor the rules loaded).
  if (lowerText.length < 2) return [];
  const found = keywordsIn(lowerText);
  if (among) return among.filter((rule) => rule.keywords.some((k) => found.has(k)));
  const out: CompiledRule[] = [];
  if (found.size === 0) return out;
  allRules().forEach((rule, i) => {
    if (!rule.keywords.some((k) => found.has(k))) return;
    let c = compiled.get(i);
    if (!c) {
      c = { id: rule.id, keywords: rule.keywords, regex: new RegExp(rule.pattern, `gd${rule.flags}`), group: rule.group, entropy: rule.entropy };
      compiled.set(i, c);
    }
    out.push(c);
  });
  return out;
}

export const carriedRuleCount = (): number => allRules().length;
export const carriedRules = (): readonly SecretRule[] => allRules();

/** Shannon entropy in bits per character, as gitleaks computes it. */
export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
}

/**
 * Why a pattern could take more than linear time on V8's backtracking engine,
 * or null. Refused: a repeated group that itself repeats ((a+)+, (\w+\s?)*), an
 * unbounded wildcard (.* then a failing tail rescans the text from each
 * start), and a pattern that opens with an unbounded run (tried again from
 * every character of that run) unless a lookbehind pins it to the run's start.
 */
export function backtrackingRisk(pattern: string): string | null {
  const frames: { repeats: boolean }[] = [{ repeats: false }];
  let atomStart = -1;
  let atomRepeats = false;
  let atomIsDot = false;
  let first = true;
  const pinned = /^\(\?<!/.test(pattern) || /^\^/.test(pattern);
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]!;
    let atom = true;
    if (c === '\\') i += 2;
    else if (c === '[') {
      i++;
      if (pattern[i] === '^') i++;
      if (pattern[i] === ']') i++;
      while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
      i++;
    } else if (c === '(') {
      frames.push({ repeats: false });
      i += pattern.startsWith('(?:', i) || pattern.startsWith('(?=', i) || pattern.startsWith('(?!', i) ? 3 : pattern.startsWith('(?<=', i) || pattern.startsWith('(?<!', i) ? 4 : 1;
      atom = false;
      atomStart = -1;
      continue;
    } else if (c === ')') {
      const frame = frames.pop()!;
      atomRepeats = frame.repeats;
      i++;
      atomIsDot = false;
      atomStart = i;
      const quantifier = /^(?:[*+?]|\{\d+(?:,\d*)?\})\??/.exec(pattern.slice(i));
      if (quantifier) {
        const q = quantifier[0];
        const repeating = !/^\?|^\{[01]\}|^\{0,1\}/.test(q);
        if (repeating && atomRepeats) return 'a repeated group that itself repeats';
        if (repeating || atomRepeats) frames[frames.length - 1]!.repeats = true;
        i += q.length;
      } else if (atomRepeats) frames[frames.length - 1]!.repeats = true;
      first = false;
      continue;
    } else if (c === '|' || c === '^' || c === '$') {
      i++;
      atom = false;
    } else i++;
    if (!atom) continue;
    atomIsDot = c === '.';
    const quantifier = /^(?:[*+?]|\{\d+(?:,\d*)?\})\??/.exec(pattern.slice(i));
    if (quantifier) {
      const q = quantifier[0];
      const unbounded = /^[*+]|^\{\d+,\}/.test(q);
      if (unbounded && atomIsDot) return 'an unbounded wildcard';
      if (unbounded && first && frames.length === 1 && !pinned) return 'opens with an unbounded run';
      if (!/^\?|^\{[01]\}|^\{0,1\}/.test(q)) frames[frames.length - 1]!.repeats = true;
      i += q.length;
    }
    first = false;
  }
  void atomStart;
  return null;
}
