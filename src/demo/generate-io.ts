import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ingestPayload } from '../capture/ingest.js';
import type { Config } from '../schema/config.js';
import type { SyntheticSession } from './generate.js';

/** Lay out the transcripts and meta files the way Claude Code keeps them. */
export function writeSessionFiles(claudeHome: string, sessions: SyntheticSession[]): void {
  for (const session of sessions) {
    for (const file of session.files) {
      const path = join(claudeHome, file.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, file.content);
    }
  }
}

/**
 * Every payload through the same ingest function the hook runs, each at the
 * time it happened. Returns how many payloads were fed.
 */
export function feedSessions(logsDir: string, sessions: SyntheticSession[], config: Config): number {
  let fed = 0;
  for (const session of sessions) {
    for (const { at, payload } of session.events) {
      ingestPayload(payload, { logsDir, config, now: at, deadline: Date.now() + 5_000 });
      fed++;
    }
  }
  return fed;
}
