// Caps on what one record holds, in a file with no imports: the hook reads
// them without loading the record schema.

/** Longest tool timeline kept in a record: the first calls of a longer run (totalToolUseCount says how many there were). */
export const TOOL_TIMELINE_MAX = 200;
