import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import * as z from 'zod/mini';
import { listInFlight, sweepInFlight } from '../capture/sweep.js';
import { ALERTS_EVENT, installedEvents, TRACKED_EVENTS, type Settings } from '../install/hook-entries.js';
import { readdirOrEmpty } from '../store/fs.js';
import { resolveProjectDir } from '../store/location.js';
import { errorLogPath, RECORD_NAME } from '../store/paths.js';
import { localDay } from '../time/period.js';
import { listDays } from '../store/records.js';
import { createContext, type CommandContext } from './context.js';
import type { Document, Tone } from '../render/document.js';
import { renderTerminal } from '../render/terminal.js';
import type { CheckLevel, DoctorCheck } from '../schema/doctor.js';
import { memo } from '../schema/memo.js';
import { DAY_MS } from '../time/duration.js';

// `agent-track doctor`: is tracking wired up, and is it working? Each check
// says what it found and, when something is off, what to do about it.

type Level = CheckLevel;
type Check = DoctorCheck;

const MIN_NODE = [20, 19];

function nodeCheck(): Check {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const ok = major > MIN_NODE[0]! || (major === MIN_NODE[0] && minor >= MIN_NODE[1]!);
  return { level: ok ? 'ok' : 'fail', title: `Node.js ${process.versions.node}`, details: ok ? [] : [`agent-track needs Node.js >= ${MIN_NODE.join('.')}`] };
}

function bundleCheck(): Check {
  const hook = join(__dirname, 'hook.cjs');
  if (!existsSync(hook)) return { level: 'fail', title: 'Hook bundle missing', details: [`${hook} does not exist: run \`npm run build\` in ${join(__dirname, '..')}`] };
  const cache = existsSync(`${hook}.v8cache`);
  return {
    level: cache ? 'ok' : 'warn',
    title: 'Hook bundle built',
    details: cache ? [] : ['no V8 code cache next to it: each hook process compiles from scratch (run `npm run build` to create one)'],
  };
}

interface SettingsSource {
  label: string;
  path: string;
}

function settingsSources(projectDir: string): SettingsSource[] {
  return [
    { label: 'project', path: join(projectDir, '.claude', 'settings.json') },
    { label: 'local', path: join(projectDir, '.claude', 'settings.local.json') },
    { label: 'user', path: join(homedir(), '.claude', 'settings.json') },
  ];
}

function hooksCheck(ctx: CommandContext): Check {
  const details: string[] = [];
  let level: Level = 'ok';
  const found: string[] = [];
  // The same project the logs folder belongs to, so doctor agrees with itself from any subfolder.
  for (const source of settingsSources(resolveProjectDir({ env: ctx.env, cwd: ctx.cwd }))) {
    if (!existsSync(source.path)) continue;
    let settings: Settings;
    try {
      settings = JSON.parse(readFileSync(source.path, 'utf8')) as Settings;
    } catch (error) {
      details.push(`${source.path}: not valid JSON (${(error as Error).message}); Claude Code will not load it`);
      level = 'fail';
      continue;
    }
    let events: Map<string, Record<string, unknown>[]>;
    try {
      events = installedEvents(settings);
    } catch (error) {
      details.push(`${source.path}: ${(error as Error).message}`);
      level = 'fail';
      continue;
    }
    if (!events.size) continue;
    found.push(source.label);
    const missing = TRACKED_EVENTS.map((e) => e.event).filter((e) => !events.has(e));
    const tracked = TRACKED_EVENTS.filter((e) => events.has(e.event)).length;
    details.push(`${source.label} (${source.path}): ${tracked}/${TRACKED_EVENTS.length} events${events.has(ALERTS_EVENT) ? `, and ${ALERTS_EVENT} alerts` : ''}`);
    if (missing.length) {
      details.push(`  missing: ${missing.join(', ')}: run \`agent-track install${source.label === 'project' ? '' : ` --${source.label}`}\` again`);
      level = 'fail';
    }
    for (const [event, hooks] of events) {
      for (const hook of hooks) {
        if (hook.async === true) {
          details.push(`  ${event} is async: Claude Code kills async hooks when a -p session ends, so events get lost; reinstall`);
          if (level === 'ok') level = 'warn';
        }
        const paths = [hook.command, ...(Array.isArray(hook.args) ? hook.args : [])].filter((p): p is string => typeof p === 'string' && p.startsWith('/'));
        for (const path of paths.filter((p) => !existsSync(p))) {
          details.push(`  ${event} runs ${path}, which does not exist (moved or uninstalled?): run \`agent-track install\` again`);
          level = 'fail';
        }
      }
    }
  }
  if (found.length > 1) {
    details.push(`installed in ${found.join(' and ')} settings: Claude Code runs both, so every event is handled twice (harmless but slower); keep one`);
    if (level === 'ok') level = 'warn';
  }
  if (!found.length && level === 'ok') {
    // `claude --plugin-dir` (or an installed plugin) wires the hooks without any
    // settings entry. Nothing here can prove that; recent records suggest it.
    const recent = recentRecords(ctx);
    if (recent > 0) {
      return {
        level: 'warn',
        title: 'Hooks not in any settings file',
        details: [
          ...details,
          `but ${recent} record(s) were written in the last 7 days: the hooks may come from a plugin (claude --plugin-dir ${join(__dirname, '..')}).`,
          'If Claude Code runs without that plugin, run `agent-track install` in the project (or `--user` for every project).',
        ],
      };
    }
  }
  if (!found.length) {
    return {
      level: 'fail',
      title: 'Hooks not installed',
      details: [...details, 'run `agent-track install` in the project (or `--user` for every project),', `or start Claude Code with \`claude --plugin-dir ${join(__dirname, '..')}\``],
    };
  }
  return { level, title: 'Hooks installed', details };
}

function countDayRecords(logsDir: string, day: string): number {
  let n = 0;
  for (const agent of readdirOrEmpty(join(logsDir, day))) n += readdirOrEmpty(join(logsDir, day, agent)).filter((f) => RECORD_NAME.test(f)).length;
  return n;
}

function recentRecords(ctx: CommandContext): number {
  const since = localDay(ctx.now - 6 * DAY_MS);
  return listDays(ctx.logsDir)
    .filter((d) => d >= since)
    .reduce((sum, d) => sum + countDayRecords(ctx.logsDir, d), 0);
}

function logsCheck(ctx: CommandContext): Check {
  if (!existsSync(ctx.logsDir)) {
    return { level: 'warn', title: 'No records yet', details: [`${ctx.logsDir} does not exist yet: it appears with the first subagent run after install`] };
  }
  try {
    accessSync(ctx.logsDir, constants.W_OK);
  } catch {
    return { level: 'fail', title: 'Logs folder not writable', details: [`${ctx.logsDir}: the hook cannot write records here`] };
  }
  const days = listDays(ctx.logsDir);
  const today = localDay(ctx.now);
  const countDay = (day: string) => countDayRecords(ctx.logsDir, day);
  const week = recentRecords(ctx);
  return {
    level: 'ok',
    title: 'Logs folder',
    details: [ctx.logsDir, `records today: ${days.includes(today) ? countDay(today) : 0}, last 7 days: ${week}, days on disk: ${days.length}${days.length ? ` (${days[0]} to ${days[days.length - 1]})` : ''}`],
  };
}

/** Run the real hook binary on a synthetic subagent run in a scratch folder. */
function selfTest(): Check {
  const scratch = mkdtempSync(join(tmpdir(), 'agent-track-doctor-'));
  const bin = join(__dirname, '..', 'bin', 'agent-track');
  const common = { session_id: 'doctor-self-test', transcript_path: join(scratch, 'none.jsonl'), cwd: scratch };
  const payloads = [
    { ...common, hook_event_name: 'PreToolUse', tool_name: 'Agent', tool_use_id: 'toolu_doctor', tool_input: { prompt: 'self test', subagent_type: 'doctor' } },
    {
      ...common,
      hook_event_name: 'PostToolUse',
      tool_name: 'Agent',
      tool_use_id: 'toolu_doctor',
      tool_response: { status: 'completed', agentId: 'adoctor', agentType: 'doctor', content: [{ type: 'text', text: 'ok' }], totalDurationMs: 1, totalTokens: 1 },
    },
  ];
  try {
    const times: number[] = [];
    for (const payload of payloads) {
      const started = process.hrtime.bigint();
      const run = spawnSync(process.execPath, [bin, 'hook'], { input: JSON.stringify(payload), env: { ...process.env, AGENT_TRACK_LOGS_DIR: scratch }, timeout: 20_000 });
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (run.status !== 0 || run.stdout.length || run.stderr.length) {
        return { level: 'fail', title: 'Hook self-test failed', details: [`exit ${run.status}, stdout ${JSON.stringify(run.stdout.toString().slice(0, 200))}, stderr ${JSON.stringify(run.stderr.toString().slice(0, 200))}`] };
      }
    }
    const recorded = listDays(scratch).some((day) => readdirOrEmpty(join(scratch, day, 'doctor')).some((f) => RECORD_NAME.test(f)));
    const errors = existsSync(errorLogPath(scratch)) ? readFileSync(errorLogPath(scratch), 'utf8').trim() : '';
    if (!recorded) return { level: 'fail', title: 'Hook self-test wrote no record', details: errors ? [errors] : [] };
    return { level: 'ok', title: 'Hook self-test', details: [`a synthetic subagent run was recorded; hook processes took ${times.map((t) => `${Math.round(t)} ms`).join(' and ')}`] };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function inFlightCheck(ctx: CommandContext): Check {
  const sweep = sweepInFlight(ctx.logsDir, ctx.config, ctx.now);
  const active = listInFlight(ctx.logsDir, ctx.config, ctx.now);
  const details = [`${active.length} running now`];
  if (sweep.closed) details.push(`closed ${sweep.closed} run(s) whose session ended or timed out, as interrupted`);
  if (sweep.repaired) details.push(`rewrote ${sweep.repaired} record(s) left incomplete by a killed hook process`);
  details.push(...sweep.errors);
  return { level: sweep.errors.length ? 'warn' : 'ok', title: 'In-flight runs', details };
}

// hook-errors.log is written by the hook (store/error-log.ts), but a line of
// another shape (a foreign or hand-edited file) is skipped rather than trusted:
// doctor is what a user runs when something is wrong.
const errorLine = memo(() => z.looseObject({ at: z.string(), event: z.optional(z.nullable(z.string())), message: z.string() }));
type ErrorLine = z.infer<ReturnType<typeof errorLine>>;

export function readHookErrors(logsDir: string): ErrorLine[] {
  const lines: ErrorLine[] = [];
  for (const path of [`${errorLogPath(logsDir)}.1`, errorLogPath(logsDir)]) {
    if (!existsSync(path)) continue;
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      try {
        const parsed = line ? errorLine().safeParse(JSON.parse(line)) : null;
        if (parsed?.success) lines.push(parsed.data);
      } catch {
        // A line cut by rotation.
      }
    }
  }
  return lines;
}

function errorsCheck(ctx: CommandContext): Check {
  const all = readHookErrors(ctx.logsDir);
  const dayAgo = ctx.now - DAY_MS;
  const recent = all.filter((e) => Date.parse(e.at) >= dayAgo);
  const details = [`${errorLogPath(ctx.logsDir)}: ${all.length} in total, ${recent.length} in the last 24 hours`];
  for (const e of all.slice(-5)) details.push(`  ${e.at}  ${e.event ?? '-'}  ${e.message.slice(0, 160)}`);
  return { level: recent.length ? 'warn' : 'ok', title: all.length ? 'Recent hook errors' : 'No hook errors', details: all.length ? details : [] };
}

const MARK: Record<Level, string> = { ok: '✓', warn: '!', fail: '✗' };
const TONE: Record<Level, Tone> = { ok: 'good', warn: 'warn', fail: 'bad' };

/** The checks as a Document, drawn by the same renderer as the reports: each check's mark and title, its details indented under it. */
function doctorDocument(logsDir: string, checks: Check[]): Document {
  const failed = checks.some((c) => c.level === 'fail');
  const items = checks.flatMap((check) => [{ text: { text: `${MARK[check.level]} ${check.title}`, tone: TONE[check.level] } }, ...check.details.map((line) => ({ text: `    ${line}` }))]);
  return {
    title: `agent-track doctor: ${logsDir}`,
    blocks: [{ kind: 'lines', plain: true, items, note: failed ? 'Something needs fixing (see ✗ above).' : 'Tracking is set up.' }],
    notes: [],
    csv: { columns: [], rows: [] },
  };
}

export function doctorCommand(): Command {
  return new Command('doctor')
    .description('check that tracking is wired up and working, and show recent hook errors')
    .option('--json', 'print the checks as JSON')
    .action((options: { json?: boolean }, command: Command) => {
      const ctx = createContext(command.optsWithGlobals());
      const checks = [nodeCheck(), bundleCheck(), hooksCheck(ctx), logsCheck(ctx), selfTest(), inFlightCheck(ctx), errorsCheck(ctx)];
      const failed = checks.some((c) => c.level === 'fail');
      if (options.json) {
        ctx.stdout.write(`${JSON.stringify({ ok: !failed, checks }, null, 2)}\n`);
      } else {
        // The renderer passes every text through printable: details quote hook errors and file contents.
        const width = ctx.width;
        ctx.stdout.write(renderTerminal(doctorDocument(ctx.logsDir, checks), { width, color: ctx.color }));
      }
      process.exitCode = failed ? 1 : 0;
    });
}
