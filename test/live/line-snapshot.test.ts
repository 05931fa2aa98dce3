import { appendFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ingestPayload } from '../../src/capture/ingest';
import { loadConfig } from '../../src/config/load';
import { generateSessions } from '../../src/demo/generate';
import { feedSessions, writeSessionFiles } from '../../src/demo/generate-io';
import { alertMessage, drawLine } from '../../src/live/draw-line';
import { keptAlert, keptLine, keptLineAt, sessionStateDir } from '../../src/live/line-snapshot';
import { readMoment } from '../../src/live/moment';
import { recordsFallback } from '../../src/live/records-fallback';
import { statusLine } from '../../src/render/statusline';
import { DEFAULT_CONFIG, type Config } from '../../src/schema/config';
import { completionsPath, statuslineLinePath } from '../../src/store/paths';
import { localDay } from '../../src/time/period';
import { runCli } from '../support/cli';
import { loadFixture } from '../support/fixtures';

// The statusline's warm path (dist/statusline-fast.cjs) prints the line the
// full statusline kept for the session while nothing it was drawn from has
// changed (src/live/line-snapshot.ts). Whatever changes in the store, the
// config, the session's runs in flight or the clock, a kept line that is
// still used must equal the line drawn afresh.

const SESSION = 'warm-session';
const BUDGETS: Config['budgets'] = [
  { period: 'day', usd: 5 },
  { period: 'week', usd: 40, billedTokens: 50_000_000 },
  { period: 'month', billedTokens: 500_000_000 },
];
/** Every file the test wrote counts as settled: its time is well before this "real" clock. */
const settledClock = () => Date.now() + 60_000;
// The last day of the week, in the evening: every budget period holds days of it.
const now = new Date(2026, 10, 8, 21, 0).getTime();

function week(seed: number) {
  const root = mkdtempSync(join(tmpdir(), 'agent-track-line-snapshot-'));
  const logsDir = join(root, 'project', '.claude', 'execution-logs');
  const configPath = join(root, 'project', '.claude', 'agent-track.json');
  const sessions = generateSessions({ startDay: new Date(2026, 10, 2).getTime(), days: 7, promptsPerDay: 12, seed, projectDir: join(root, 'project'), claudeHome: join(root, 'claude'), rareOutcomeRate: 0.04 });
  writeSessionFiles(join(root, 'claude'), sessions);
  feedSessions(logsDir, sessions, DEFAULT_CONFIG);
  writeFileSync(configPath, JSON.stringify({ budgets: BUDGETS }));
  return { root, logsDir, configPath };
}

/** The line and the alert drawn afresh: no day cache, nothing kept. */
function fresh(logsDir: string, configPath: string, at = now, session = SESSION) {
  const moment = readMoment({ logsDir, config: loadConfig(configPath), now: at, session, onIssue: () => {}, fallback: () => recordsFallback });
  return { line: statusLine(moment, session, at), message: alertMessage(moment.alerts) };
}

/** As the full statusline draws: through the caches, keeping the line when it may. */
function drawn(logsDir: string, configPath: string, at = now, wallNow = settledClock(), session = SESSION) {
  return drawLine({ logsDir, configPath, loadConfig: () => loadConfig(configPath), session, now: at, wallNow, fallback: () => recordsFallback });
}

/** The warm path's answer at `at`: a kept line, which must then print as the fresh one; or null (the full statusline draws). */
function warm(logsDir: string, configPath: string, at = now, session = SESSION) {
  const kept = keptLine(logsDir, configPath, session, at);
  // The SessionStart alert of a session just started takes any session's kept message.
  const alert = keptAlert(logsDir, configPath, at);
  if (kept || alert !== null) {
    const expected = fresh(logsDir, configPath, at, session);
    if (kept) expect(keptLineAt(kept, at)).toBe(expected.line);
    if (kept?.alerts !== undefined) expect(kept.alerts).toBe(expected.message);
    if (alert !== null) expect(alert).toBe(expected.message);
  }
  return kept;
}

describe('a generated week', () => {
  const { root, logsDir, configPath } = week(7);

  test('the line drawn is kept, and the warm path prints it while nothing changed', () => {
    const plain = fresh(logsDir, configPath);
    expect(plain.line).toMatch(/subagents today \$/);
    expect(warm(logsDir, configPath)).toBeNull();
    expect(drawn(logsDir, configPath)).toEqual(plain);
    const kept = warm(logsDir, configPath);
    expect(kept?.line).toBe(plain.line);
    // A budget spent or an agent failing in the week: the alert has something to say (no warning, so no forecast: kept).
    expect(plain.message).toMatch(/^\{"systemMessage":"agent-track: /);
    expect(keptAlert(logsDir, configPath, now)).toBe(kept!.alerts ?? null);
    // Every day of the month budget's period, as far as the store goes, was fingerprinted.
    expect(Object.keys(kept!.days)).toEqual(readdirSync(logsDir).filter((name) => /^\d{4}-\d{2}-\d{2}$/.test(name)).sort());
  });

  test('not kept while a file it read changed within the settle time', () => {
    rmSync(statuslineLinePath(logsDir), { force: true });
    const at = Date.now() - 10_000;
    utimesSync(completionsPath(logsDir, localDay(now)), new Date(at), new Date(at));
    expect(drawn(logsDir, configPath, now, at + 1_000)).toEqual(fresh(logsDir, configPath));
    expect(existsSync(statuslineLinePath(logsDir))).toBe(false);
  });

  test('a record added to a closed day, a run corrected on a closed day and on today, a record removed', () => {
    const mutations: (() => void)[] = [
      () => {
        const more = generateSessions({ startDay: new Date(2026, 10, 5).getTime(), days: 1, promptsPerDay: 3, seed: 99, projectDir: join(root, 'project'), claudeHome: join(root, 'claude') });
        writeSessionFiles(join(root, 'claude'), more);
        expect(feedSessions(logsDir, more, DEFAULT_CONFIG)).toBeGreaterThan(0);
      },
      ...['2026-11-06', localDay(now)].map((day) => () => {
        const path = completionsPath(logsDir, day);
        const first = JSON.parse(readFileSync(path, 'utf8').split('\n')[0]!) as { revision: number; tokens: { input: number } };
        appendFileSync(path, `${JSON.stringify({ ...first, revision: first.revision + 1, tokens: { ...first.tokens, input: first.tokens.input + 5_000_000 } })}\n`);
      }),
      () => {
        const dir = join(logsDir, '2026-11-04');
        const folder = readdirSync(dir).find((name) => lstatSync(join(dir, name)).isDirectory())!;
        rmSync(join(dir, folder, readdirSync(join(dir, folder))[0]!));
      },
    ];
    for (const mutate of mutations) {
      drawn(logsDir, configPath);
      const before = warm(logsDir, configPath);
      expect(before).not.toBeNull();
      const budgetsBefore = readMoment({ logsDir, config: loadConfig(configPath), now, session: SESSION, onIssue: () => {}, fallback: () => recordsFallback }).budgets;
      mutate();
      // The figures moved (the line may show too few of them to tell), and the kept line is not used.
      expect(readMoment({ logsDir, config: loadConfig(configPath), now, session: SESSION, onIssue: () => {}, fallback: () => recordsFallback }).budgets).not.toEqual(budgetsBefore);
      expect(warm(logsDir, configPath)).toBeNull();
      // Drawn again, kept again, used again.
      drawn(logsDir, configPath);
      expect(warm(logsDir, configPath)).not.toBeNull();
    }
  });

  test('a price changed in the config, and another config file', () => {
    drawn(logsDir, configPath);
    expect(warm(logsDir, configPath)).not.toBeNull();
    const models = new Set<string>();
    for (const day of readdirSync(logsDir).filter((name) => /^\d{4}-\d{2}-\d{2}$/.test(name))) {
      for (const line of readFileSync(completionsPath(logsDir, day), 'utf8').split('\n').filter(Boolean)) models.add((JSON.parse(line) as { model: string }).model);
    }
    writeFileSync(configPath, JSON.stringify({ budgets: BUDGETS, prices: Object.fromEntries([...models].map((m) => [m, { input: 900, output: 900, cacheWrite: 1, cacheRead: 0.1 }])) }));
    utimesSync(configPath, new Date(Date.now() - 1_800_000), new Date(Date.now() - 1_800_000));
    expect(warm(logsDir, configPath)).toBeNull();
    drawn(logsDir, configPath);
    expect(warm(logsDir, configPath)?.line).toMatch(/\$5\.00 · ⚠/);
    // The kept line is the config's at that path: another path is drawn afresh.
    const other = join(root, 'other.json');
    writeFileSync(other, '{}');
    expect(keptLine(logsDir, other, SESSION, now)).toBeNull();
    writeFileSync(configPath, JSON.stringify({ budgets: BUDGETS }));
  });

  test('the clock: another day, a clock behind the line, a run that starts after it', () => {
    drawn(logsDir, configPath);
    expect(warm(logsDir, configPath, now + 60_000)).not.toBeNull();
    expect(keptLine(logsDir, configPath, SESSION, now - 1)).toBeNull();
    expect(keptLine(logsDir, configPath, SESSION, new Date(2026, 10, 9, 0, 1).getTime())).toBeNull();
    // Drawn at noon, today's later runs had not started: agent health counted none of them, so the line holds until the first starts.
    const noon = new Date(2026, 10, 8, 12, 0).getTime();
    drawn(logsDir, configPath, noon);
    const kept = warm(logsDir, configPath, noon);
    expect(kept?.until).toBeGreaterThan(noon);
    expect(keptLine(logsDir, configPath, SESSION, kept!.until!)).toBeNull();
    drawn(logsDir, configPath);
  });

  test('a run of the session starting: its state folder changed, so the kept line is not used; the alert still is', () => {
    drawn(logsDir, configPath);
    expect(warm(logsDir, configPath)).not.toBeNull();
    // The hook files a run's events under .state/<session>/x-<key>/ (capture/state.ts).
    const dir = join(sessionStateDir(logsDir, SESSION), 'x-t-toolu_1');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${now - 30_000}-pre-aaaa.json`), JSON.stringify({ kind: 'pre', at: now - 30_000, request: { subagentType: 'general-purpose' } }));
    expect(keptLine(logsDir, configPath, SESSION, now)).toBeNull();
    // The alert reads no run in flight: its kept message still holds.
    expect(keptAlert(logsDir, configPath, now)).toBe(fresh(logsDir, configPath).message);
    rmSync(sessionStateDir(logsDir, SESSION), { recursive: true });
  });

  test('a file of another version, broken, or a link is not used, and not written through', () => {
    drawn(logsDir, configPath);
    const path = statuslineLinePath(logsDir);
    const good = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    const entry = (good.sessions as Record<string, Record<string, unknown>>)[SESSION]!;
    const withRunning = (running: unknown) => JSON.stringify({ ...good, sessions: { [SESSION]: { ...entry, running } } });
    // The same entry with well-formed runs is read (so each bad one below is refused for what it breaks).
    writeFileSync(path, withRunning({ shown: [{ agentType: 'tester', startTime: now, expectedMs: null }], count: 1 }));
    expect(keptLine(logsDir, configPath, SESSION, now)?.running?.count).toBe(1);
    // Version 1 (before the running runs were kept) included: its lines were drawn whole.
    for (const text of [
      JSON.stringify({ ...good, version: 999 }),
      JSON.stringify({ ...good, version: 1 }),
      JSON.stringify({ ...good, agentTrack: '0.0.0' }),
      '{"version":2,"sessions":',
      '{"version":2,"agentTrack":"x","sessions":{"warm-session":{"line":1}}}',
      withRunning({ shown: [{ agentType: 'tester', startTime: now }], count: 1 }),
      withRunning({ shown: [{ agentType: 'tester', startTime: '1', expectedMs: null }], count: 1 }),
      withRunning({ shown: [], count: '1' }),
    ]) {
      writeFileSync(path, text);
      expect(keptLine(logsDir, configPath, SESSION, now)).toBeNull();
    }
    const elsewhere = join(root, 'elsewhere.json');
    writeFileSync(elsewhere, JSON.stringify(good));
    rmSync(path);
    symlinkSync(elsewhere, path);
    expect(keptLine(logsDir, configPath, SESSION, now)).toBeNull();
    drawn(logsDir, configPath);
    expect(readFileSync(elsewhere, 'utf8')).toBe(JSON.stringify(good));
    rmSync(path);
  });
});

describe('a generated week, pruned while a line is kept', () => {
  const { logsDir, configPath } = week(11);
  test('the pruned days are fingerprinted anew: the kept line is not used until drawn again, to the same line', () => {
    const at = new Date(now - 3_600_000);
    const touch = (path: string): void => {
      if (lstatSync(path).isDirectory()) for (const name of readdirSync(path)) touch(join(path, name));
      utimesSync(path, at, at);
    };
    touch(logsDir);
    drawn(logsDir, configPath);
    const before = warm(logsDir, configPath);
    expect(before).not.toBeNull();
    const pruned = runCli(['--logs-dir', logsDir, 'prune', '--raw', '3d'], { env: { AGENT_TRACK_NOW: new Date(now).toISOString() } });
    expect(pruned.status, pruned.stderr).toBe(0);
    expect(warm(logsDir, configPath)).toBeNull();
    expect(drawn(logsDir, configPath).line).toBe(before!.line);
    expect(warm(logsDir, configPath)?.line).toBe(before!.line);
  });
});

/**
 * Claude Code 2.1.332's fan-out session (three agents in the background, its
 * real hook payloads) fed to the hook into `logsDir` a payload a second from
 * `start`, in steps: `feed(through)` feeds up to and including the payload
 * `through` picks.
 */
function fanOut(logsDir: string, start: number) {
  const fixture = loadFixture('fanout', '2.1.332');
  const main = join(fixture.root, '.claude', 'projects', '-home-dev-shop-api', `${fixture.sessionId}.jsonl`);
  // The main transcript as it was while the agents ran: before the first of their notifications was queued.
  const lines = readFileSync(main, 'utf8').split('\n');
  writeFileSync(main, `${lines.slice(0, lines.findIndex((line) => line.includes('"type":"queue-operation"'))).join('\n')}\n`);
  // Their transcripts as last written at the start, on the test's clock (a run's last sign of life counts them: capture/sweep.ts).
  const subagents = join(dirname(main), fixture.sessionId, 'subagents');
  for (const name of readdirSync(subagents)) utimesSync(join(subagents, name), new Date(start), new Date(start));
  const fed = new Set<number>();
  const nth = (event: string, n: number) => fixture.payloads.findIndex((p) => p.hook_event_name === event && (p.tool_name === undefined || p.tool_name === 'Agent') && --n === 0);
  const feedAt = (index: number, at: number) => {
    ingestPayload(fixture.payloads[index], { logsDir, config: DEFAULT_CONFIG, now: at, deadline: Date.now() + 5_000 });
    fed.add(index);
  };
  return {
    session: fixture.sessionId,
    payloads: fixture.payloads,
    /** Where Claude Code writes the agent's meta file, which links it to its Agent call. */
    metaPath: (agentId: string) => join(subagents, `agent-${agentId}.meta.json`),
    /** The index of the n-th payload of this hook event (PreToolUse and PostToolUse: of the Agent tool). */
    nth,
    /** One payload, its hook's clock at `at`. */
    feedAt,
    /** Every payload not fed yet up to `through`, the i-th at `start` + i seconds. */
    feed(through: number) {
      for (let i = 0; i <= through; i++) if (!fed.has(i)) feedAt(i, start + i * 1_000);
    },
  };
}

describe('a generated week, and subagents of the session running (Claude Code 2.1.332, in the background)', () => {
  const { root, logsDir, configPath } = week(7);
  // Only a day budget: the days before today are read for the running agents' expected times alone.
  writeFileSync(configPath, JSON.stringify({ budgets: [{ period: 'day', usd: 5 }] }));
  const start = now - 60_000;
  const session = fanOut(logsDir, start);
  const draw = (at = now) => drawn(logsDir, configPath, at, settledClock(), session.session);
  const warmAt = (at = now) => warm(logsDir, configPath, at, session.session);
  const days = () => readdirSync(logsDir).filter((name) => /^\d{4}-\d{2}-\d{2}$/.test(name)).sort();

  test('an agent not yet linked to its Agent call: not kept (which run it is rests on its meta file, outside the state folder)', () => {
    const pre = session.nth('PreToolUse', 2);
    const started = session.nth('SubagentStart', 1);
    const agentId = session.payloads[started]!.agent_id as string;
    // At SubagentStart Claude Code has not written the agent's meta file yet (docs/claude-code-observations.md, c.),
    // and here the Agent call's PreToolUse hook ran late, 2.5 s after it: too late to pair them by type and time.
    const meta = readFileSync(session.metaPath(agentId));
    rmSync(session.metaPath(agentId));
    session.feed(pre - 1);
    session.feedAt(started, start + started * 1_000);
    session.feedAt(pre, start + started * 1_000 + 2_500);
    const unlinked = fresh(logsDir, configPath, now, session.session).line;
    expect(unlinked).toMatch(/^[▶⏰] code-review-specialist \S+ ▶ test-automation-special… \S+ ▶ test-automation-special… \S+ · subagents today /);
    draw();
    expect(warmAt()).toBeNull();
    // The meta file written: nothing in the session's state folder changed, yet the line reads otherwise (one agent, one run).
    writeFileSync(session.metaPath(agentId), meta);
    expect(fresh(logsDir, configPath, now, session.session).line).toMatch(/^[▶⏰] code-review-specialist \S+ ▶ test-automation-special… \S+ · subagents today /);
    expect(warmAt()).toBeNull();
    // The full path links it (into the state folder), and keeps the next line it draws.
    draw();
    draw();
    expect(warmAt()?.running?.count).toBe(2);
    session.feed(session.nth('PostToolUse', 1));
    draw();
    expect(warmAt()?.running?.count).toBe(2);
  });

  test('the kept line’s running part, drawn at print time, is the full path’s at every clock: before and past the expected time, in seconds, minutes and hours', () => {
    expect(warmAt()?.running?.count).toBe(2);
    // A third run starting: drawn afresh, with it.
    session.feed(session.nth('SubagentStart', 3));
    expect(warmAt()).toBeNull();
    draw();
    const kept = warmAt();
    expect(kept?.running?.count).toBe(3);
    expect(kept!.running!.shown.every((r) => r.expectedMs !== null)).toBe(true);
    // Every day of the 7-day history behind the expected times was fingerprinted, though no budget reads them.
    expect(kept!.from).toBe('2026-11-01');
    expect(Object.keys(kept!.days)).toEqual(days());
    const lines: string[] = [];
    // Around a second's rounding, the expected times (47 s and 1m29s here), the minute and the hour.
    for (const later of [0, 499, 500, 1_000, 9_500, 20_000, 47_000, 61_000, 125_000, 59 * 60_000, 3_600_000, 3_725_000]) {
      const at = now + later;
      // warm() checks the kept line printed at `at` is the line drawn afresh at `at`.
      expect(warmAt(at), `at +${later} ms`).not.toBeNull();
      lines.push(keptLineAt(kept!, at));
    }
    // Two minutes in: the reviewers past their expected 47 s, the tests (1m29s expected) not yet.
    expect(lines[0]).toMatch(/^⏰ code-review-specialist \d+s\/47s ▶ test-automation-special… \d+s\/1m29s ⏰ code-review-specialist \d+s\/47s · subagents today \$/);
    expect(lines.some((line) => /^⏰ code-review-specialist 1m\d\ds\/47s ⏰ test-automation-special… 1m\d\ds\/1m29s /.test(line))).toBe(true);
    expect(lines.at(-1)).toMatch(/^⏰ code-review-specialist 1h0\dm\/47s ⏰ test-automation-special… 1h0\dm\/1m29s ⏰ code-review-specialist 1h0\dm\/47s · /);
    // Another day: drawn afresh.
    expect(keptLine(logsDir, configPath, session.session, new Date(2026, 10, 9, 0, 1).getTime())).toBeNull();
  });

  test('a run reaching the in-flight timeout: the kept line holds until then, and the full path then shows it closed', () => {
    draw();
    const kept = warmAt();
    // The earliest last sign of life of a running run, two hours on (the default in-flight timeout).
    const running = readMoment({ logsDir, config: loadConfig(configPath), now, session: session.session, onIssue: () => {}, fallback: () => recordsFallback }).running;
    expect(running).toHaveLength(3);
    expect(kept?.until).toBe(Math.min(...running.map((r) => r.lastActivity)) + 2 * 3_600_000);
    expect(warmAt(kept!.until! - 1)).not.toBeNull();
    expect(keptLine(logsDir, configPath, session.session, kept!.until!)).toBeNull();
    // Had it been used, it would have been wrong: the run past the timeout is no longer shown as running.
    const after = kept!.until! + 1;
    expect(fresh(logsDir, configPath, after, session.session).line).not.toBe(keptLineAt(kept!, after));
    // And a line drawn then, with a run closed but not yet recorded, is not kept.
    rmSync(statuslineLinePath(logsDir));
    draw(after);
    expect(keptLine(logsDir, configPath, session.session, after)).toBeNull();
    expect(existsSync(statuslineLinePath(logsDir))).toBe(false);
    draw();
  });

  test('a run ending, a day of the history changed, a day added to it: each sends the line to the full path, which keeps it again', () => {
    const mutations: [string, () => void][] = [
      ['SubagentStop', () => session.feed(session.nth('SubagentStop', 1))],
      [
        'a run of 2026-11-04 corrected',
        () => {
          const path = completionsPath(logsDir, '2026-11-04');
          const first = JSON.parse(readFileSync(path, 'utf8').split('\n')[0]!) as { revision: number; duration: number };
          appendFileSync(path, `${JSON.stringify({ ...first, revision: first.revision + 1, duration: first.duration + 600_000 })}\n`);
        },
      ],
      [
        'runs on 2026-11-01',
        () => {
          const more = generateSessions({ startDay: new Date(2026, 10, 1).getTime(), days: 1, promptsPerDay: 2, seed: 5, projectDir: join(root, 'project'), claudeHome: join(root, 'claude') });
          writeSessionFiles(join(root, 'claude'), more);
          expect(feedSessions(logsDir, more, DEFAULT_CONFIG)).toBeGreaterThan(0);
        },
      ],
    ];
    for (const [what, mutate] of mutations) {
      draw();
      const before = warmAt();
      expect(before, what).not.toBeNull();
      mutate();
      expect(warmAt(), what).toBeNull();
      draw();
      expect(warmAt(), what).not.toBeNull();
    }
    // The stopped run is no longer on the line; the two others still are.
    expect(warmAt()?.running?.count).toBe(2);
    expect(Object.keys(warmAt()!.days)).toEqual(days());
    expect(days()[0]).toBe('2026-11-01');
  });

  test('another run ending, then the session: drawn afresh each time, and no run shown once the session ended', () => {
    draw();
    expect(warmAt()?.running?.count).toBe(2);
    session.feed(session.nth('SubagentStop', 2));
    expect(warmAt()).toBeNull();
    draw();
    expect(warmAt()?.running?.count).toBe(1);
    session.feed(session.nth('SessionEnd', 1));
    expect(warmAt()).toBeNull();
    draw();
    expect(warmAt(now)?.running).toBeUndefined();
  });
});
