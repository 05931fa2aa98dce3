import { join } from 'node:path';
import { sessionFiguresSchema, type SessionFigures } from '../schema/session.js';
import { readdirOrEmpty, readRegularFile } from './fs.js';
import { SESSIONS_DIR } from './paths.js';
import { localDay } from '../time/period.js';
import type { LoadIssue } from './records.js';

// The one loader of sessions/<session>.json: each file read back through its
// zod schema, filed under the local day its main thread began.

const SESSION_FILE_MAX_BYTES = 1024 * 1024;

export interface DatedSession {
  day: string;
  figures: SessionFigures;
}

export function loadSessionFigures(logsDir: string, onIssue: (issue: LoadIssue) => void): DatedSession[] {
  const dir = join(logsDir, SESSIONS_DIR);
  const sessions: DatedSession[] = [];
  for (const name of readdirOrEmpty(dir)) {
    if (!name.endsWith('.json') || name.startsWith('.')) continue;
    const path = join(dir, name);
    const file = readRegularFile(path, SESSION_FILE_MAX_BYTES);
    if (!file.ok) {
      if (!file.missing) onIssue({ path, problem: file.problem });
      continue;
    }
    try {
      const parsed = sessionFiguresSchema().safeParse(JSON.parse(file.bytes.toString('utf8')));
      if (!parsed.success) throw new Error('not a session figures file');
      const figures = parsed.data;
      sessions.push({ day: localDay(figures.firstAt ?? figures.lastAt ?? figures.writtenAt), figures });
    } catch (error) {
      onIssue({ path, problem: (error as Error).message });
    }
  }
  return sessions.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.figures.sessionId.localeCompare(b.figures.sessionId)));
}
