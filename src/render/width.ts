import stringWidth from 'string-width';

// Terminal columns, as terminals draw them: string-width knows grapheme
// clusters, emoji (✅, ⚠️ and 👨‍👩‍👧 are two columns each) and East Asian
// widths. Long texts are measured a chunk at a time: Node 20's Intl.Segmenter,
// which string-width uses, is quadratic over one long string (a 40,000
// character name took 0.6 s), and an agent name can be a megabyte.

const segmenter = new Intl.Segmenter();
/** UTF-16 units per chunk: small enough to stay on the segmenter's linear stretch. */
const CHUNK = 512;
const PRINTABLE_ASCII = /^[\u0020-\u007e]*$/;

/**
 * `text` as consecutive runs of whole grapheme clusters, each short. The last
 * cluster of a chunk is carried into the next, since what follows may extend
 * it (a combining mark, a ZWJ sequence); a cluster longer than a chunk
 * (thousands of marks on one letter) is cut, at a cost of a column at most.
 */
function* runs(text: string, size = CHUNK): Generator<string> {
  if (text.length <= size) {
    yield text;
    return;
  }
  let carry = '';
  let i = 0;
  while (i < text.length) {
    let end = Math.min(text.length, i + size);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end++; // never split a surrogate pair
    const chunk = carry + text.slice(i, end);
    i = end;
    if (i >= text.length) {
      yield chunk;
      return;
    }
    const tail = segmenter.segment(chunk).containing(chunk.length - 1)!;
    if (tail.index === 0 && chunk.length > size) {
      yield chunk;
      carry = '';
    } else {
      if (tail.index > 0) yield chunk.slice(0, tail.index);
      carry = tail.segment;
    }
  }
  if (carry) yield carry;
}

/**
 * Widths of the grapheme clusters seen so far: a text repeats few distinct
 * clusters, and string-width's rules cost three times the segmenting. Bounded,
 * so a text of only distinct clusters costs no more than it would without.
 */
const clusterWidths = new Map<string, number>();
const MAX_CACHED = 4_096;

function clusterWidth(cluster: string): number {
  let width = clusterWidths.get(cluster);
  if (width === undefined) {
    width = stringWidth(cluster);
    if (clusterWidths.size >= MAX_CACHED) clusterWidths.clear();
    clusterWidths.set(cluster, width);
  }
  return width;
}

/** Columns a string takes in a terminal. Linear in its length. */
export function displayWidth(text: string): number {
  if (PRINTABLE_ASCII.test(text)) return text.length;
  let width = 0;
  for (const run of runs(text)) for (const { segment } of segmenter.segment(run)) width += clusterWidth(segment);
  return width;
}

/**
 * The longest start of `text` that takes at most `width` columns, cut between
 * grapheme clusters. One pass, counting as it goes: measuring the whole
 * prefix again for each character made a 128k-character name cost 18 s.
 */
export function fitColumns(text: string, width: number): string {
  // Plain ASCII up to one past the cut: one column a character, and nothing after the cut joins the last one.
  // Only that prefix is tested, so cutting a long word line by line stays linear.
  if (width < 4_096 && PRINTABLE_ASCII.test(text.slice(0, Math.max(0, width) + 1))) return text.slice(0, Math.max(0, width));
  let used = 0;
  let end = 0;
  // Chunks about the size of the cut: a line of a long word needs only its start segmented.
  for (const run of runs(text, Math.min(CHUNK, Math.max(32, 2 * width + 8)))) {
    for (const { segment } of segmenter.segment(run)) {
      const w = clusterWidth(segment);
      if (used + w > width) return text.slice(0, end);
      used += w;
      end += segment.length;
    }
  }
  return text.slice(0, end);
}

/** The first grapheme cluster of `text` (what a line must hold even when it is wider than the line). */
export function firstCluster(text: string): string {
  for (const run of runs(text.slice(0, CHUNK * 2))) {
    for (const { segment } of segmenter.segment(run)) return segment;
  }
  return '';
}

/**
 * The width tables fit: the terminal's, or COLUMNS (as `COLUMNS=100 agent-track report | less`
 * asks), or no limit for a pipe or file. A terminal that reports 0 columns (some ptys
 * before their first resize) gets COLUMNS or 80: a width of 0 would drop every column.
 */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv): number {
  const asked = Number(env.COLUMNS);
  const fromEnv = Number.isInteger(asked) && asked > 0 ? asked : undefined;
  if (stream.isTTY !== true) return fromEnv ?? Infinity;
  const columns = stream.columns;
  return columns !== undefined && Number.isInteger(columns) && columns > 0 ? columns : (fromEnv ?? 80);
}
