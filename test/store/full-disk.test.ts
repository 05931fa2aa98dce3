import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { monthPeriod, isoWeekPeriod, localDay } from '../../src/time/period.js';
import { ingestPayload } from '../../src/capture/ingest.js';
import { Reporter } from '../../src/rollup/reporter.js';
import { SummarySource } from '../../src/rollup/summary-source.js';
import { prune } from '../../src/retention/prune.js';
import type { DatedKind } from '../../src/retention/reports.js';
import { DEFAULT_CONFIG } from '../../src/schema/config.js';
import { writeFileAtomic } from '../../src/store/atomic.js';
import { listDays } from '../../src/store/records.js';
import { monthlyReportPath, weeklyReportPath } from '../../src/store/paths.js';
import { BIN } from '../support/cli.js';
import { isAgentEvent, loadFixture } from '../support/fixtures.js';
import { allRecords, BASE_TIME, completionLines, filesUnder, replay } from '../support/replay.js';
import { mountTmpfs, tmpfsUnavailable, type Tmpfs } from '../support/tmpfs.js';
import { generatedStore } from '../retention/store.js';

// A full disk must never cost a stored file: every write either completes or
// leaves the old file, and prune deletes no day it has no whole report of.
// A real tmpfs is filled to 0-8 free pages around the hook's and prune's writes.

const mounts: Tmpfs[] = [];
afterEach(() => {
  for (const mount of mounts.splice(0)) mount.unmount();
});

function mount(sizeKb: number): Tmpfs {
  const fs = mountTmpfs(sizeKb);
  mounts.push(fs);
  return fs;
}

/** Every record reads back whole (allRecords throws on a broken one), no temp file is left, every completion line is JSON. */
function expectWhole(logsDir: string) {
  const records = allRecords(logsDir);
  expect(filesUnder(logsDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  expect(() => completionLines(logsDir)).not.toThrow();
  for (const marker of filesUnder(logsDir).filter((f) => f.endsWith('/written.json'))) {
    const { recordPath } = JSON.parse(readFileSync(join(logsDir, marker), 'utf8')) as { recordPath: string };
    if (recordPath) expect(existsSync(recordPath), `${marker} names a record that is not there`).toBe(true);
  }
  return records;
}

const comparable = (records: ReturnType<typeof allRecords>) => records.map((r) => ({ ...r, capture: { ...r.capture, writtenAt: 0 } }));

describe.skipIf(tmpfsUnavailable !== null)('the hook on a nearly full disk', () => {
  beforeAll(() => {
    if (tmpfsUnavailable) console.warn(`skipped: ${tmpfsUnavailable}`);
  });

  test.each([0, 1, 2, 3, 4, 5, 6, 7, 8])('with %i free pages, late events leave every record whole, and a later event repairs what they could not write', (pages) => {
    const fs = mount(2048);
    const fixture = loadFixture('fanout');
    const logsDir = join(fs.dir, 'logs');
    const payloads = fixture.payloads.filter(isAgentEvent);
    replay(logsDir, payloads);
    const before = comparable(expectWhole(logsDir));
    expect(before.length).toBeGreaterThan(1);

    const filler = fs.fillLeaving(pages);
    // Every event delivered again, late: each one stores an event and rewrites its record.
    payloads.forEach((payload, i) => {
      try {
        ingestPayload(payload, { logsDir, config: DEFAULT_CONFIG, now: BASE_TIME + (payloads.length + i) * 1_000, deadline: Date.now() + 5_000 });
      } catch {
        // The hook logs it and exits 0; what matters is what is left on disk.
      }
    });
    expect(comparable(expectWhole(logsDir))).toHaveLength(before.length);

    rmSync(filler);
    replay(logsDir, payloads.slice(-1), { firstIndex: 2 * payloads.length });
    expect(comparable(expectWhole(logsDir))).toEqual(before);
  });
});

describe.skipIf(tmpfsUnavailable !== null)('prune on a nearly full disk', () => {
  test.each([0, 1, 2, 3, 4, 5, 6, 7, 8])('with %i free pages, every month still counts what it counted', (pages) => {
    const store = generatedStore({ days: 45, promptsPerDay: 2, seed: 21 });
    const fs = mount(65536);
    const logsDir = join(fs.dir, 'logs');
    cpSync(store.logsDir, logsDir, { recursive: true, preserveTimestamps: true });
    const now = Date.now();
    const today = localDay(now);
    const months = [...new Set(listDays(logsDir).map((d) => d.slice(0, 7)))].filter((m) => m < today.slice(0, 7));
    const totals = () => {
      const reporter = new Reporter(new SummarySource(logsDir, now, () => {}), DEFAULT_CONFIG.prices, now);
      return months.map((m) => reporter.report(monthPeriod(m, today)!, null).summary.totalExecutions);
    };
    const before = totals();
    expect(before.some((n) => n > 0)).toBe(true);
    const reporter = new Reporter(new SummarySource(logsDir, now, () => {}), DEFAULT_CONFIG.prices, now);
    const writeReport = (kind: DatedKind, label: string) => {
      const report = reporter.report((kind === 'weekly' ? isoWeekPeriod(label, today) : monthPeriod(label, today))!, null);
      if (report.summary.totalExecutions === 0) return null;
      const path = kind === 'weekly' ? weeklyReportPath(logsDir, label) : monthlyReportPath(logsDir, label);
      writeFileAtomic(path, `${JSON.stringify(report, null, 2)}\n`, { durable: true, within: logsDir });
      return path;
    };
    const run = (policy = DEFAULT_CONFIG.retention) => prune({ logsDir, root: logsDir, config: DEFAULT_CONFIG, policy, now, dryRun: false, writeReport });
    // Yesterday's prune removed the raw records; today's writes the dated reports, then removes day folders.
    expect(run({ ...DEFAULT_CONFIG.retention, dailySummariesMs: 36_500 * 86_400_000 }).failed).toEqual([]);
    const filler = fs.fillLeaving(pages);
    expect(run().failed.length).toBeGreaterThan(0);

    rmSync(filler);
    expect(totals()).toEqual(before);
    expect(filesUnder(logsDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    for (const file of filesUnder(join(logsDir, 'metrics'))) expect(() => JSON.parse(readFileSync(join(logsDir, 'metrics', file), 'utf8'))).not.toThrow();
  });

  test('on a full or read-only logs folder, `agent-track prune` says so in one line and exits 1', () => {
    const store = generatedStore({ days: 10, seed: 22 });
    for (const state of ['full', 'read-only'] as const) {
      const fs = mount(4096);
      const logsDir = join(fs.dir, 'logs');
      cpSync(store.logsDir, logsDir, { recursive: true, preserveTimestamps: true });
      if (state === 'full') fs.fillLeaving(0);
      else fs.remountReadOnly();
      const run = spawnSync(process.execPath, [BIN, '--logs-dir', logsDir, 'prune'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      expect(run.status, state).toBe(1);
      expect(run.stderr.trim().split('\n'), state).toEqual([expect.stringMatching(/^agent-track: cannot prune .*(ENOSPC|EROFS).*nothing was removed$/)]);
      expect(listDays(logsDir)).toEqual(listDays(store.logsDir));
    }
  });
});
