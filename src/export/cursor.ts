import { readRegularFile } from '../store/fs.js';
import { writeFileAtomic } from '../store/atomic.js';
import { exportCursorPath } from '../store/paths.js';
import { ExportCursor } from '../schema/export.js';

// The export cursor, .state/.export-cursor.json: per collector URL, per
// record folder, what was delivered. Written whole or not at all (the
// store's atomic write); a cursor that is missing, unreadable or not ours
// means "nothing delivered yet", which costs a re-send, never a loss.

/** Bigger than the cursor of a million delivered executions. */
const CURSOR_MAX_BYTES = 256 * 1024 * 1024;

export function readCursor(logsDir: string, onProblem: (problem: string) => void): ExportCursor {
  const file = readRegularFile(exportCursorPath(logsDir), CURSOR_MAX_BYTES);
  if (!file.ok) {
    if (!file.missing) onProblem(`export cursor not read (${file.problem}): everything is sent again`);
    return { version: 1, targets: {} };
  }
  let json: unknown;
  try {
    json = JSON.parse(file.bytes.toString('utf8'));
  } catch {
    onProblem('export cursor is not valid JSON: everything is sent again');
    return { version: 1, targets: {} };
  }
  const parsed = ExportCursor.safeParse(json);
  if (!parsed.success) {
    onProblem('export cursor is not in the expected format: everything is sent again');
    return { version: 1, targets: {} };
  }
  return parsed.data;
}

export function writeCursor(logsDir: string, cursor: ExportCursor): void {
  writeFileAtomic(exportCursorPath(logsDir), JSON.stringify(cursor), { durable: true });
}

/** A folder's deliveries, for comparing and adding to. */
export function decodeSent(text: string): Map<string, string> {
  const sent = new Map<string, string>();
  if (!text) return sent;
  for (const pair of text.split(' ')) {
    const at = pair.lastIndexOf(':');
    if (at > 0) sent.set(pair.slice(0, at), pair.slice(at + 1));
  }
  return sent;
}

export function encodeSent(sent: ReadonlyMap<string, string>): string {
  const pairs: string[] = [];
  for (const [id, fingerprint] of sent) pairs.push(`${id}:${fingerprint}`);
  return pairs.join(' ');
}
