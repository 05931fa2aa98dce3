import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ingestPayload } from '../../src/capture/ingest.js';
import { DEFAULT_CONFIG } from '../../src/schema/config.js';
import { writeFileAtomic } from '../../src/store/atomic.js';
import { appendHookError } from '../../src/store/error-log.js';
import { localDay } from '../../src/time/period.js';
import { daySummaryOf } from '../support/day-summary.js';
import { BIN } from '../support/cli.js';
import { isAgentEvent, loadFixture } from '../support/fixtures.js';
import { BASE_TIME, filesUnder } from '../support/replay.js';
import { dayWithRecords, generatedStore } from '../retention/store.js';

// The README promises that a linked folder or file in the logs folder, and what
// it points to, are left alone. Nothing agent-track writes goes through a link
// below the logs folder: not a record, a rollup, a dated report, state or a log.

const outsideDir = () => mkdtempSync(join(tmpdir(), 'agent-track-outside-'));

function feed(logsDir: string, payloads: Record<string, unknown>[]): string[] {
  const errors: string[] = [];
  payloads.forEach((payload, i) => {
    try {
      ingestPayload(payload, { logsDir, config: DEFAULT_CONFIG, now: BASE_TIME + i * 1_000, deadline: Date.now() + 5_000 });
    } catch (error) {
      errors.push((error as Error).message);
    }
  });
  return errors;
}

describe('no write follows a link under the logs folder', () => {
  test('the hook writes no record or completion line through a linked day folder', () => {
    const fixture = loadFixture('single');
    const outside = outsideDir();
    mkdirSync(fixture.logsDir, { recursive: true });
    symlinkSync(outside, join(fixture.logsDir, localDay(BASE_TIME)));
    const errors = feed(fixture.logsDir, fixture.payloads.filter(isAgentEvent));
    expect(filesUnder(outside)).toEqual([]);
    expect(errors.some((e) => /symbolic link/.test(e))).toBe(true);
  });

  test('the hook stores no event through a linked .state folder', () => {
    const fixture = loadFixture('single');
    const outside = outsideDir();
    mkdirSync(fixture.logsDir, { recursive: true });
    symlinkSync(outside, join(fixture.logsDir, '.state'));
    feed(fixture.logsDir, fixture.payloads.filter(isAgentEvent));
    expect(filesUnder(outside)).toEqual([]);
  });

  test('a linked completions.jsonl or hook-errors.log is not appended to', () => {
    const fixture = loadFixture('single');
    const outside = outsideDir();
    const day = join(fixture.logsDir, localDay(BASE_TIME));
    mkdirSync(day, { recursive: true });
    writeFileSync(join(outside, 'theirs.log'), 'theirs\n');
    symlinkSync(join(outside, 'theirs.log'), join(day, 'completions.jsonl'));
    symlinkSync(join(outside, 'theirs.log'), join(fixture.logsDir, 'hook-errors.log'));
    feed(fixture.logsDir, fixture.payloads.filter(isAgentEvent));
    expect(() => appendHookError(fixture.logsDir, { at: BASE_TIME, event: null, message: 'x' })).toThrow();
    expect(readFileSync(join(outside, 'theirs.log'), 'utf8')).toBe('theirs\n');
  });

  test("a linked day folder's rollup is not written into what it points to", () => {
    const store = generatedStore({ days: 6, seed: 31 });
    const day = dayWithRecords(store, 2, 5);
    const outside = join(outsideDir(), day);
    const dayDir = join(store.logsDir, day);
    renameSync(dayDir, outside);
    symlinkSync(outside, dayDir);
    const before = filesUnder(outside);
    const issues: string[] = [];
    daySummaryOf(store.logsDir, day, Date.now(), (issue) => issues.push(issue.problem));
    expect(filesUnder(outside)).toEqual(before);
    expect(issues.some((p) => /could not write the day's rollup/.test(p))).toBe(true);
  });

  test('`agent-track report` writes no dated report into a linked metrics/weekly', () => {
    const store = generatedStore({ days: 20, seed: 32 });
    const outside = outsideDir();
    mkdirSync(join(store.logsDir, 'metrics'), { recursive: true });
    symlinkSync(outside, join(store.logsDir, 'metrics', 'weekly'));
    const run = spawnSync(process.execPath, [BIN, '--logs-dir', store.logsDir, 'report', '--format', 'json'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(filesUnder(outside)).toEqual([]);
  });

  test('a file the user names (settings, --out) may sit behind a link; under the logs folder nothing may', () => {
    const root = outsideDir();
    const target = outsideDir();
    symlinkSync(target, join(root, 'linked'));
    writeFileAtomic(join(root, 'linked', 'chosen.json'), '{}');
    expect(filesUnder(target)).toEqual(['chosen.json']);
    expect(() => writeFileAtomic(join(root, 'linked', 'x.json'), '{}', { within: root })).toThrow(/symbolic link/);
    expect(filesUnder(target)).toEqual(['chosen.json']);
  });
});
