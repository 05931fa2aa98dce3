import { existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ingestPayload } from '../../src/capture/ingest';
import { listInFlight, sweepInFlight } from '../../src/capture/sweep';
import { DEFAULT_CONFIG } from '../../src/schema/config';
import { stateRoot } from '../../src/store/paths';
import { replayFixture } from '../support/replay';

// Sessions whose every run is recorded are read once by the sweep, not by
// every command for as long as their state is kept.

const HOUR = 3_600_000;

/** The single fixture recorded, with its state files dated an hour back (quiet long enough to be marked). */
function recordedSession() {
  const run = replayFixture('single');
  const stateDir = stateRoot(run.logsDir);
  const [session] = readdirSync(stateDir);
  ageTree(join(stateDir, session!), Date.now() - HOUR);
  return { ...run, stateDir, sessionDir: join(stateDir, session!), marker: join(stateDir, '.settled', session!) };
}

function ageTree(path: string, when: number): void {
  if (statSync(path).isDirectory()) for (const name of readdirSync(path)) ageTree(join(path, name), when);
  utimesSync(path, when / 1000, when / 1000);
}

const sweep = (logsDir: string) => sweepInFlight(logsDir, DEFAULT_CONFIG, Date.now());

describe('settled sessions', () => {
  test('a session found settled is skipped until something in it changes', () => {
    const s = recordedSession();
    expect(sweep(s.logsDir)).toMatchObject({ closed: 0, repaired: 0, errors: [] });
    expect(existsSync(s.marker)).toBe(true);

    // A marker rewritten in place (no folder time moves) would make a full check rewrite the record.
    const execDir = readdirSync(s.sessionDir).find((n) => n.startsWith('x-t-'))!;
    const written = join(s.sessionDir, execDir, 'written.json');
    const marker = JSON.parse(readFileSync(written, 'utf8'));
    writeFileSync(written, JSON.stringify({ ...marker, events: marker.events.slice(1) }));
    expect(sweep(s.logsDir).repaired).toBe(0);

    // Any new file in the execution folder moves its time: the session is read again.
    writeFileSync(join(s.sessionDir, execDir, 'touch'), '');
    expect(sweep(s.logsDir).repaired).toBe(1);
  });

  test('a resumed session (same id, new run) is seen at once', () => {
    const s = recordedSession();
    sweep(s.logsDir);
    expect(existsSync(s.marker)).toBe(true);
    const session = { session_id: s.sessionId, transcript_path: '/nonexistent/t.jsonl', cwd: s.projectDir };
    const now = Date.now();
    ingestPayload(
      { ...session, hook_event_name: 'PreToolUse', tool_name: 'Agent', tool_use_id: 'toolu_resumed', tool_input: { description: 'again', prompt: 'again', subagent_type: 'reviewer' } },
      { logsDir: s.logsDir, config: DEFAULT_CONFIG, now, deadline: now + 5_000 },
    );
    expect(listInFlight(s.logsDir, DEFAULT_CONFIG, Date.now())).toEqual([expect.objectContaining({ agentType: 'reviewer', startTime: now })]);
  });

  test('a session still quiet for less than ten minutes is not marked, and reading commands never mark', () => {
    const run = replayFixture('single');
    listInFlight(run.logsDir, DEFAULT_CONFIG, Date.now());
    expect(existsSync(join(stateRoot(run.logsDir), '.settled'))).toBe(false);
    sweep(run.logsDir);
    expect(readdirSync(join(stateRoot(run.logsDir)))).not.toContain('.settled');
  });

  test('the mark of a session whose state was collected goes with it', () => {
    const s = recordedSession();
    sweep(s.logsDir);
    rmSync(s.sessionDir, { recursive: true });
    sweep(s.logsDir);
    expect(existsSync(s.marker)).toBe(false);
  });
});
