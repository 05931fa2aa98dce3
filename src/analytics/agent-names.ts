// Which agent names a mistyped --agent probably meant. A name differing only
// in case is offered as a hint, never matched silently: "explore" and
// "Explore" can be two agent types, and a report must say which it counted.

export interface AgentSuggestions {
  /** For each requested name, the recorded name equal to it ignoring case, if any. */
  caseMatches: { requested: string; recorded: string }[];
  /** Recorded names close to a requested one (a typo, a part of the name, another case), closest first. */
  close: string[];
}

/** Relative distance up to which a name counts as close: about one character in three. */
const CLOSE = 0.34;

export function suggestAgents(requested: readonly string[], recorded: readonly string[]): AgentSuggestions {
  const caseMatches = requested.flatMap((want) => {
    const match = recorded.find((name) => name !== want && name.toLowerCase() === want.toLowerCase());
    return match ? [{ requested: want, recorded: match }] : [];
  });
  const score = (name: string) => Math.min(...requested.map((want) => nameDistance(want, name)));
  const close = recorded
    .map((name) => ({ name, score: score(name) }))
    .filter((s) => s.score <= CLOSE)
    .sort((a, b) => a.score - b.score || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((s) => s.name);
  return { caseMatches, close };
}

/**
 * Edit distance ignoring case, relative to the longer name, so "review" is
 * closer to "code-review-specialist" (a part of it) than to "Explore". A name
 * that contains the other is never farther than 0.25, which keeps it close.
 */
export function nameDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const relative = levenshtein(x, y) / Math.max(1, x.length, y.length);
  return x.includes(y) || y.includes(x) ? Math.min(relative, 0.25) : relative;
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length]!;
}
