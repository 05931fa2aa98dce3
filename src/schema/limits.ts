// Caps on what one record holds, in a file with no imports: the hook reads
// them without loading the record schema. A 1 MB agent type or tool name grew
// the record to 3 MB and made every reader slow; a record keeps the exact
// value up to its cap and then TRUNCATED, so a cut is visible and the kept
// part still groups and sorts like the original. The caps are listed in the
// README ("What a record holds").

/** Longest tool timeline kept in a record: the first calls of a longer run (totalToolUseCount says how many there were). */
export const TOOL_TIMELINE_MAX = 200;

/** Agent types, tool names, model names, agent names. */
export const NAME_MAX = 200;

/** Appended to a text that was cut. */
export const TRUNCATED = '… [truncated]';

/** `text` up to `max` characters, marked when cut. */
export function capText(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}${TRUNCATED}` : text;
}

export const capName = (text: string): string => capText(text, NAME_MAX);
