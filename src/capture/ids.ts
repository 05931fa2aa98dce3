// Ids from hook payloads that become part of a path. Claude Code's are
// session ids as UUIDs (0429029d-c4ac-4212-b8c2-a485f0e60a8e), agent ids as
// "a" + 16 hex digits (a14c29a2571e613d7) and tool use ids as "toolu_" + base62
// (every capture, 2.1.197 and 2.1.332). The check admits the characters those
// use, letters, digits, "-" and "_", at any length up to 128, so a later
// version's longer id still works, and refuses anything else: a dot, a slash or
// a NUL could name a file outside Claude Code's folder ("../../x").

const PATH_SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** Whether `id` may name a file in Claude Code's folders (`agent-<id>.jsonl`, `<session id>/`). */
export function isPathSafeId(id: string): boolean {
  return PATH_SAFE_ID.test(id);
}
