import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { isoWeekOf, isoWeekPeriod, monthPeriod, localDay } from '../../src/time/period.js';
import { Reporter } from '../../src/rollup/reporter.js';
import { SummarySource } from '../../src/rollup/summary-source.js';
import { ingestPayload } from '../../src/capture/ingest.js';
import { feedSessions, writeSessionFiles } from '../../src/demo/generate-io.js';
import { generateSessions } from '../../src/demo/generate.js';
import { periodsEnded } from '../../src/retention/policy.js';
import { prune, type PruneInput } from '../../src/retention/prune.js';
import type { DatedKind } from '../../src/retention/reports.js';
import type { PruneResult } from '../../src/retention/result.js';
import { pruneText } from '../../src/render/prune-view.js';
import { DEFAULT_CONFIG, type Config } from '../../src/schema/config.js';
import { AgentExecution } from '../../src/schema/record.js';
import { writeFileAtomic } from '../../src/store/atomic.js';
import { monthlyReportPath, weeklyReportPath } from '../../src/store/paths.js';
import { listDays } from '../../src/store/records.js';
import { daySummaryState } from '../../src/rollup/day-rollup.js';
import { daySummaryOf, recordsSummaryOf } from '../support/day-summary.js';
import { addSessions, dayAgo, DAY_MS, emptyStore, generatedStore, localMidnight, recordFiles, settle, snapshot, touchTree, dayWithRecords, writeJson, type Store } from './store.js';

const none = () => {};

// Folders whose files cannot be renamed or removed (an immutable folder, a
// read-only mount): the same failure for root and everyone else.
const stuckFolders = vi.hoisted(() => new Set<string>());
vi.mock('../../src/retention/remove.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/retention/remove.js')>();
  const refuse = (syscall: string) => Object.assign(new Error(`EPERM: operation not permitted, ${syscall}`), { code: 'EPERM', syscall });
  return {
    ...actual,
    removeIfUnchanged: (entry: Parameters<typeof actual.removeIfUnchanged>[0], options?: Parameters<typeof actual.removeIfUnchanged>[1]) => {
      if (stuckFolders.has(dirname(entry.path))) throw refuse('rename');
      return actual.removeIfUnchanged(entry, options);
    },
    removeEmptyDir: (path: string) => {
      if (stuckFolders.has(path)) throw refuse('rmdir');
      return actual.removeEmptyDir(path);
    },
  };
});

interface Run {
  result: PruneResult;
  reports: { kind: DatedKind; label: string }[];
}

/** One prune, in this process, with a report writer that builds the real report, as `agent-track prune` does (prune reads it back). */
function run(store: Store, options: Partial<Omit<PruneInput, 'writeReport'>> & { writeReport?: PruneInput['writeReport'] } = {}): Run {
  const reports: Run['reports'] = [];
  const now = options.now ?? Date.now();
  const config: Config = options.config ?? DEFAULT_CONFIG;
  let reporter: Reporter | null = null;
  const writeReport = (kind: DatedKind, label: string) => {
    reports.push({ kind, label });
    reporter ??= new Reporter(new SummarySource(store.logsDir, now, () => {}), config.prices, now);
    const today = localDay(now);
    const report = reporter.report((kind === 'weekly' ? isoWeekPeriod(label, today) : monthPeriod(label, today))!, null);
    const path = kind === 'weekly' ? weeklyReportPath(store.logsDir, label) : monthlyReportPath(store.logsDir, label);
    writeFileAtomic(path, JSON.stringify(report));
    return path;
  };
  const result = prune({
    logsDir: store.logsDir,
    root: store.logsDir,
    config,
    policy: options.policy ?? config.retention,
    now,
    dryRun: options.dryRun ?? false,
    writeReport: options.writeReport ?? writeReport,
  });
  return { result, reports };
}

const removedOf = (result: PruneResult, kind: string) => result.removed.filter((r) => r.kind === kind).map((r) => r.path);

describe('prune on a realistic store', () => {
  test('raw records go after 7 days and day folders after 30, every figure surviving in the summaries and dated reports', () => {
    const store = generatedStore({ days: 45, seed: 3 });
    const days = listDays(store.logsDir);
    const today = dayAgo(0);
    const rawCutoff = dayAgo(7);
    const folderCutoff = dayAgo(30);
    const before = new Map(days.filter((d) => d < today).map((d) => [d, recordsSummaryOf(store.logsDir, d, none)]));
    const todayBefore = snapshot(join(store.logsDir, today));
    const keptRaw = new Map(days.filter((d) => d >= rawCutoff).map((d) => [d, recordFiles(store.logsDir, d)]));

    const { result, reports } = run(store);

    expect(result.failed).toEqual([]);
    expect(result.kept).toEqual([]);
    expect(removedOf(result, 'rawRecords')).toEqual(days.filter((d) => d < rawCutoff));
    const expectedFolders = days.filter((d) => d < folderCutoff && periodsEnded(d, today));
    expect(removedOf(result, 'daySummary')).toEqual(expectedFolders);
    for (const day of days) {
      const dir = join(store.logsDir, day);
      if (expectedFolders.includes(day)) {
        expect(existsSync(dir), day).toBe(false);
      } else if (day < rawCutoff) {
        // Only the rollup is left, and it is what the records said.
        expect(readdirSync(dir).sort(), day).toEqual(['.pruned', 'summary.json', 'workflows.json']);
        expect(daySummaryState(store.logsDir, day)).toBe('current');
        expect(daySummaryOf(store.logsDir, day, Date.now(), none)).toEqual(before.get(day));
      } else {
        expect(recordFiles(store.logsDir, day), day).toEqual(keptRaw.get(day));
      }
    }
    expect(snapshot(join(store.logsDir, today))).toEqual(todayBefore);
    // The dated reports of the removed days were written first (the monthly ones, and the weeks still within 90 days).
    const months = [...new Set(expectedFolders.map((d) => d.slice(0, 7)))];
    expect(reports.filter((r) => r.kind === 'monthly').map((r) => r.label)).toEqual(months);
    expect(result.reportsWritten.length).toBe(reports.length);
    expect(result.totals.files).toBeGreaterThan(0);

    // A second run finds nothing more to do.
    const again = run(store).result;
    expect(again.removed).toEqual([]);
    expect(again.failed).toEqual([]);
  });

  test("today's folder is never touched, even with every retention at zero", () => {
    const store = generatedStore({ days: 5, promptsPerDay: 4, seed: 4 });
    const today = dayAgo(0);
    const todayBefore = snapshot(join(store.logsDir, today));
    // Listed before the run: with every retention at zero, the folders of a
    // week and month already over go whole (on the 1st, that is all of them).
    const before = listDays(store.logsDir).filter((d) => d < today);
    expect(before.length).toBeGreaterThan(0);
    const zero = { rawMs: 0, dailySummariesMs: 0, weeklyReportsMs: 0, monthlyReportsMs: 0 };
    const { result } = run(store, { policy: zero });
    expect(result.failed).toEqual([]);
    expect(snapshot(join(store.logsDir, today))).toEqual(todayBefore);
    expect(removedOf(result, 'rawRecords')).toEqual(before);
    for (const day of before) expect(recordFiles(store.logsDir, day)).toEqual([]);
  });

  test('a dry run changes nothing, and lists what a real run then removes', () => {
    const store = generatedStore({ days: 40, seed: 5 });
    const before = snapshot(store.logsDir);
    const dry = run(store, { dryRun: true });
    expect(snapshot(store.logsDir)).toEqual(before);
    expect(dry.reports).toEqual([]);
    expect(dry.result.inFlightClosed).toBe(0);
    const real = run(store).result;
    expect(real.removed.map((r) => `${r.kind} ${r.path}`)).toEqual(dry.result.removed.map((r) => `${r.kind} ${r.path}`));
    // Files and disk space too, day folders whose summary the real run builds first included.
    const sizes = (r: PruneResult) => r.removed.map((x) => `${x.kind} ${x.path}: ${x.files} files, ${x.bytes} B`);
    expect(dry.result.removed.some((r) => r.kind === 'daySummary' && r.detail === 'its summary is built first, for the dated reports')).toBe(true);
    expect(sizes(dry.result)).toEqual(sizes(real));
    expect(dry.result.totals).toEqual(real.totals);
    expect(real.reportsWritten).toEqual(dry.result.reportsWritten);
  });
});

describe("a day's raw records go only once its summary counts them", () => {
  test('a day whose summary cannot be written keeps its records, the failure is reported, and the rest is done', () => {
    const store = generatedStore({ days: 12, promptsPerDay: 6, seed: 6 });
    const broken = dayWithRecords(store, 8, 11);
    const records = recordFiles(store.logsDir, broken);
    expect(records.length).toBeGreaterThan(0);
    // summary.json cannot be replaced by a file: the rollup write fails.
    mkdirSync(join(store.logsDir, broken, 'summary.json'));
    settle(store);
    const { result } = run(store);
    expect(result.failed).toEqual([{ path: broken, error: expect.stringContaining("raw records kept: the day's summary could not be brought up to date") }]);
    expect(recordFiles(store.logsDir, broken)).toEqual(records);
    const others = listDays(store.logsDir).filter((d) => d < dayAgo(7) && d !== broken);
    expect(others.length).toBeGreaterThan(0);
    expect(removedOf(result, 'rawRecords')).toEqual(others);
  });

  test('records still being written keep their day for a later run, which is not a failure', () => {
    const store = generatedStore({ days: 12, promptsPerDay: 6, seed: 6 });
    const busy = dayWithRecords(store, 8, 11);
    const [agent] = readdirSync(join(store.logsDir, busy)).filter((n) => !n.includes('.'));
    // A record written a moment ago: the rollup waits for its inputs to settle.
    writeFileSync(join(store.logsDir, busy, agent!, 'exec-justnow.json'), readFileSync(join(store.logsDir, busy, agent!, readdirSync(join(store.logsDir, busy, agent!))[0]!)));
    const { result } = run(store);
    expect(result.failed).toEqual([]);
    expect(result.kept).toEqual([{ path: busy, reason: expect.stringContaining('raw records kept') }]);
    expect(recordFiles(store.logsDir, busy)).toContain(`${agent}/exec-justnow.json`);
    settle(store);
    expect(removedOf(run(store).result, 'rawRecords')).toEqual([busy]);
  });

  test('a record corrected after its day was pruned stays, uncounted, until the day folder goes with its summary', () => {
    const store = generatedStore({ days: 40, promptsPerDay: 5, seed: 8 });
    const day = dayWithRecords(store, 32, 38);
    const keepFolders = { ...DEFAULT_CONFIG.retention, dailySummariesMs: 90 * DAY_MS };
    const [first] = recordFiles(store.logsDir, day);
    const record = AgentExecution.parse(JSON.parse(readFileSync(join(store.logsDir, day, first!), 'utf8')));
    run(store, { policy: keepFolders });
    const pruned = daySummaryOf(store.logsDir, day, Date.now(), none);
    expect(pruned.executions).toBeGreaterThan(1);

    // A late event rewrites one record of that day: alone, it must not become the day's summary.
    const corrected = { ...record, result: { ...record.result, status: 'failed' as const } };
    writeFileAtomic(join(store.logsDir, day, first!), `${JSON.stringify(corrected)}\n`);
    expect(daySummaryState(store.logsDir, day)).toBe('current');
    expect(daySummaryOf(store.logsDir, day, Date.now(), none)).toEqual(pruned);

    // Its summary will never count it, so no prune removes it before the summary goes.
    const second = run(store, { policy: keepFolders }).result;
    expect(second.removed).toEqual([]);
    expect(second.kept).toEqual([{ path: day, reason: '1 record written after the day was pruned: its summary does not count it, so it stays until the day folder goes' }]);
    expect(recordFiles(store.logsDir, day)).toEqual([first]);

    const third = run(store).result;
    expect(third.kept).toEqual([]);
    expect(third.removed.filter((r) => r.path === day)).toEqual([
      { kind: 'daySummary', path: day, files: 4, bytes: expect.any(Number), detail: 'with 1 record that arrived after the day was pruned' },
    ]);
    expect(existsSync(join(store.logsDir, day))).toBe(false);
  });
});

describe('a day whose raw records could not all be removed', () => {
  test('keeps its folder and its summary, and each failure is listed once', () => {
    const store = generatedStore({ days: 45, promptsPerDay: 6, seed: 29 });
    const today = dayAgo(0);
    // A day whose folder goes in this run once its raw records are gone: before the raw cutoff, its week and month over.
    const day = listDays(store.logsDir).filter((d) => d < dayAgo(7) && periodsEnded(d, today) && recordFiles(store.logsDir, d).length > 0).at(-1)!;
    const agent = recordFiles(store.logsDir, day)[0]!.split('/')[0]!;
    const stuck = recordFiles(store.logsDir, day).filter((f) => f.startsWith(`${agent}/`));
    const before = daySummaryOf(store.logsDir, day, Date.now(), none);
    stuckFolders.add(join(store.logsDir, day, agent));
    let result: PruneResult;
    try {
      result = run(store, { policy: { ...DEFAULT_CONFIG.retention, dailySummariesMs: 7 * DAY_MS } }).result;
    } finally {
      stuckFolders.clear();
    }

    expect(result.failed.map((f) => f.path).sort()).toEqual([...stuck.map((f) => `${day}/${f}`), `${day}/${agent}`].sort());
    expect(removedOf(result, 'daySummary')).not.toContain(day);
    expect(result.removed.filter((r) => r.detail?.includes('arrived after'))).toEqual([]);
    expect(result.kept).toContainEqual({ path: day, reason: expect.stringContaining('day folder kept') });
    // The day still reads as it did, from its summary, and its stuck records are still there for the next run.
    expect(readdirSync(join(store.logsDir, day)).sort()).toEqual(['.pruned', agent, 'summary.json', 'workflows.json']);
    expect(recordFiles(store.logsDir, day)).toEqual(stuck);
    expect(daySummaryOf(store.logsDir, day, Date.now(), none)).toEqual(before);
    // The other days went as usual.
    expect(removedOf(result, 'daySummary').length).toBeGreaterThan(0);

    // Once the folder can be written again, the next run finishes the day.
    const again = run(store, { policy: { ...DEFAULT_CONFIG.retention, dailySummariesMs: 7 * DAY_MS } }).result;
    expect(again.failed).toEqual([]);
    expect(removedOf(again, 'daySummary')).toEqual([day]);
    expect(existsSync(join(store.logsDir, day))).toBe(false);
  });
});

describe('in-flight executions', () => {
  test('one past the timeout is closed as interrupted, not dropped', () => {
    const store = emptyStore();
    const source = generatedStore({ days: 1, seed: 9 });
    const pre = source.sessions.flatMap((s) => s.events).find((e) => e.payload.hook_event_name === 'PreToolUse')!;
    // The Agent call started 3 hours ago and nothing was heard of it since.
    const payload = { ...pre.payload, session_id: 'killed-session', tool_use_id: 'toolu_killed' };
    ingestPayload(payload, { logsDir: store.logsDir, config: DEFAULT_CONFIG, now: Date.now() - 3 * 3_600_000, deadline: Date.now() + 5_000 });
    // A dry run closes nothing, and says what the real run closes.
    const before = snapshot(store.logsDir);
    const dry = run(store, { dryRun: true }).result;
    expect(snapshot(store.logsDir)).toEqual(before);
    expect(dry.inFlightClosed).toBe(1);
    expect(dry.inFlightToClose).toEqual([
      { executionId: expect.any(String), agentType: (payload as unknown as { tool_input: { subagent_type: string } }).tool_input.subagent_type, startTime: expect.any(String), lastActivity: expect.any(String), reason: 'timeout' },
    ]);
    expect(pruneText(dry, new Date())).toMatch(/^Would close 1 in-flight execution as interrupted:\n {2}.+ started \d{4}-\d\d-\d\d \d\d:\d\d \(\w+\): nothing heard since /m);
    const { result } = run(store);
    expect(result.inFlightClosed).toBe(1);
    expect(result.inFlightToClose).toEqual(dry.inFlightToClose);
    expect(run(store, { dryRun: true }).result.inFlightToClose).toEqual([]);
    const day = listDays(store.logsDir)[0]!;
    const [file] = recordFiles(store.logsDir, day);
    const record = AgentExecution.parse(JSON.parse(readFileSync(join(store.logsDir, day, file!), 'utf8')));
    expect(record.result.status).toBe('failed');
    expect(record.capture.closedBy).toBe('timeout');
    expect(record.id).toBe(dry.inFlightToClose[0]!.executionId);
  });

  test('a day with an execution still running keeps its records, and the running session keeps its state', () => {
    const store = emptyStore();
    const sessions = generateSessions({ startDay: localMidnight(12), days: 5, promptsPerDay: 4, seed: 10, projectDir: store.projectDir, claudeHome: store.claudeHome });
    writeSessionFiles(store.claudeHome, sessions);
    // A run launched over a week ago that is still going: its Agent call then, its agent heard from a minute ago.
    const running = sessions.find((s) => s.events.some((e) => e.payload.hook_event_name === 'SubagentStart'))!;
    const day = localDay(running.events[0]!.at);
    const pre = running.events.find((e) => e.payload.hook_event_name === 'PreToolUse')!;
    const start = running.events.find((e) => e.payload.hook_event_name === 'SubagentStart' && e.payload.agent_id !== undefined)!;
    feedSessions(store.logsDir, sessions.filter((s) => s !== running), DEFAULT_CONFIG);
    store.sessions.push(...sessions);
    settle(store);
    ingestPayload(pre.payload, { logsDir: store.logsDir, config: DEFAULT_CONFIG, now: pre.at, deadline: Date.now() + 5_000 });
    ingestPayload(start.payload, { logsDir: store.logsDir, config: DEFAULT_CONFIG, now: Date.now() - 60_000, deadline: Date.now() + 5_000 });
    const records = recordFiles(store.logsDir, day);
    const others = listDays(store.logsDir).filter((d) => d !== day && recordFiles(store.logsDir, d).length > 0);
    expect(others.length).toBeGreaterThan(0);

    const { result } = run(store);
    expect(result.inFlightClosed).toBe(0);
    expect(result.kept).toEqual([{ path: day, reason: 'raw records kept: 1 execution started that day is still running' }]);
    expect(recordFiles(store.logsDir, day)).toEqual(records);
    expect(existsSync(join(store.logsDir, '.state', running.sessionId))).toBe(true);
    expect(removedOf(result, 'rawRecords')).toEqual(others);
  });
});

describe('state of finished sessions', () => {
  test('goes once quiet for a day; a session with an unfinished execution stays', () => {
    const store = generatedStore({ days: 5, promptsPerDay: 4, seed: 11, endDaysAgo: 2 });
    const old = store.sessions.map((s) => s.sessionId);
    const recent = addSessions(store, { days: 1, seed: 12 }).map((s) => s.sessionId);
    // One old session whose record a killed hook wrote without marking it done (a dry run does not sweep).
    const unfinished = join(store.logsDir, '.state', old[0]!);
    const [execDir] = readdirSync(unfinished).filter((n) => n.startsWith('x-'));
    unlinkSync(join(unfinished, execDir!, 'written.json'));
    touchTree(unfinished, Date.now() - 3 * DAY_MS);

    const dry = run(store, { dryRun: true }).result;
    expect(removedOf(dry, 'sessionState').sort()).toEqual(old.slice(1).map((s) => `.state/${s}`).sort());

    // A real run sweeps first: the unfinished one is written now, so its state is recent again.
    const { result } = run(store);
    expect(result.failed).toEqual([]);
    expect(removedOf(result, 'sessionState').sort()).toEqual(old.slice(1).map((s) => `.state/${s}`).sort());
    // (.settled holds the sweep's marks of sessions it need not read again.)
    expect(readdirSync(join(store.logsDir, '.state')).filter((n) => n !== '.settled').sort()).toEqual([old[0]!, ...recent].sort());
  });
});

describe('dated reports', () => {
  test('weekly reports go 90 days after their week, monthly ones 365 days after their month', () => {
    const store = emptyStore();
    const metrics = join(store.logsDir, 'metrics');
    const weeks = ['2020-W05', '2020-W06'];
    for (const week of weeks) writeJson(join(metrics, 'weekly', `${week}.json`), {});
    const recentWeek = isoWeek(dayAgo(20));
    writeJson(join(metrics, 'weekly', `${recentWeek}.json`), {});
    writeJson(join(metrics, 'monthly', '2020-01.json'), {});
    const recentMonth = dayAgo(200).slice(0, 7);
    writeJson(join(metrics, 'monthly', `${recentMonth}.json`), {});
    writeJson(join(metrics, 'weekly-report.json'), {});
    const { result } = run(store);
    expect(removedOf(result, 'weeklyReport')).toEqual(weeks.map((w) => `metrics/weekly/${w}.json`));
    expect(removedOf(result, 'monthlyReport')).toEqual(['metrics/monthly/2020-01.json']);
    expect(readdirSync(join(metrics, 'weekly'))).toEqual([`${recentWeek}.json`]);
    expect(readdirSync(join(metrics, 'monthly'))).toEqual([`${recentMonth}.json`]);
    expect(existsSync(join(metrics, 'weekly-report.json'))).toBe(true);
  });

  test('a day folder stays while the report of its month cannot be written, and that is a failure', () => {
    const store = generatedStore({ days: 40, seed: 12 });
    const { result } = run(store, {
      writeReport: () => {
        throw new Error('ENOSPC: no space left on device');
      },
    });
    expect(removedOf(result, 'daySummary')).toEqual([]);
    expect(result.failed.length).toBeGreaterThan(0);
    expect(result.failed[0]!.error).toMatch(/the report of .* could not be written first \(ENOSPC/);
    for (const failure of result.failed) expect(existsSync(join(store.logsDir, failure.path))).toBe(true);
    // The raw records went all the same.
    expect(removedOf(result, 'rawRecords').length).toBeGreaterThan(20);
  });
});

describe('never follows a symbolic link', () => {
  test('a symlinked date folder, record file or record folder is left alone, and what it points to is untouched', () => {
    const store = generatedStore({ days: 40, promptsPerDay: 5, seed: 13 });
    const outside = join(store.root, 'outside');
    const outsideDay = join(outside, 'day');
    mkdirSync(join(outsideDay, 'reviewer'), { recursive: true });
    writeFileSync(join(outsideDay, 'reviewer', 'exec-precious.json'), '{"precious":true}');
    writeFileSync(join(outsideDay, 'summary.json'), '{}');
    writeFileSync(join(outside, 'exec-target.json'), '{"target":true}');
    const outsideBefore = snapshot(outside);

    symlinkSync(outsideDay, join(store.logsDir, '2019-06-03'));
    const rawDay = dayWithRecords(store, 8, 14);
    const [agent] = readdirSync(join(store.logsDir, rawDay)).filter((n) => !n.includes('.'));
    symlinkSync(join(outside, 'exec-target.json'), join(store.logsDir, rawDay, agent!, 'exec-zzlinked.json'));
    symlinkSync(join(outsideDay, 'reviewer'), join(store.logsDir, rawDay, 'linked-agent'));
    const folderDay = dayWithRecords(store, 32, 38);
    symlinkSync(join(outside, 'exec-target.json'), join(store.logsDir, folderDay, 'summary-link.json'));
    settle(store);

    const { result } = run(store);

    expect(snapshot(outside)).toEqual(outsideBefore);
    expect(result.failed).toEqual([]);
    expect(result.leftAlone.map((n) => n.path).sort()).toEqual(
      ['2019-06-03', `${rawDay}/${agent}/exec-zzlinked.json`, `${rawDay}/linked-agent`, `${folderDay}/summary-link.json`].sort(),
    );
    for (const note of result.leftAlone) expect(note.reason).toMatch(/symbolic link/);
    // The links themselves are still there; everything else of those days went.
    expect(readdirSync(join(store.logsDir, rawDay, agent!))).toEqual(['exec-zzlinked.json']);
    expect(existsSync(join(store.logsDir, rawDay, 'linked-agent', 'exec-precious.json'))).toBe(true);
    // A folder holding a link is not removed; its records went, its rollup stays with the link.
    expect(readdirSync(join(store.logsDir, folderDay)).sort()).toEqual(['.pruned', 'summary-link.json', 'summary.json', 'workflows.json']);
    expect(removedOf(result, 'rawRecords')).toContain(rawDay);
  });
});

describe('odd names', () => {
  test('are reported and left alone, and the rest of the work still happens', () => {
    const store = generatedStore({ days: 40, promptsPerDay: 5, seed: 14 });
    mkdirSync(join(store.logsDir, '2019-02-30'));
    writeFileSync(join(store.logsDir, '2019-03-01'), 'a file with a date for a name');
    const folderDay = dayWithRecords(store, 32, 38);
    writeFileSync(join(store.logsDir, folderDay, 'notes.txt'), 'mine');
    const rawDay = dayWithRecords(store, 8, 14);
    const [agent] = readdirSync(join(store.logsDir, rawDay)).filter((n) => !n.includes('.'));
    writeFileSync(join(store.logsDir, rawDay, agent!, 'exec-Backup.JSON'), 'mine too');
    settle(store);

    const { result } = run(store);
    expect(result.failed).toEqual([]);
    expect(result.leftAlone).toEqual(
      expect.arrayContaining([
        { path: '2019-02-30', reason: 'not a real date' },
        { path: '2019-03-01', reason: 'not a file agent-track writes' },
        { path: `${folderDay}/notes.txt`, reason: 'not a file agent-track writes' },
        { path: `${rawDay}/${agent}/exec-Backup.JSON`, reason: 'not a file agent-track writes' },
      ]),
    );
    expect(result.leftAlone).toHaveLength(4);
    expect(readdirSync(join(store.logsDir, folderDay)).sort()).toEqual(['.pruned', 'notes.txt', 'summary.json', 'workflows.json']);
    expect(result.kept).toEqual([{ path: folderDay, reason: expect.stringContaining('day folder kept') }]);
    expect(readdirSync(join(store.logsDir, rawDay, agent!))).toEqual(['exec-Backup.JSON']);
    expect(removedOf(result, 'daySummary').length).toBeGreaterThan(0);
  });
});

function isoWeek(day: string): string {
  return isoWeekOf(day);
}
