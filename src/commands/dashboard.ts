import { spawn } from 'node:child_process';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { dailySummaries, recentExecutions } from '../analytics/dashboard.js';
import { formatBytes, formatCount, plural } from '../analytics/format.js';
import { addDays, previousPeriod, type Period, localDay } from '../time/period.js';
import { PAGE_ASSETS } from '../dashboard/assets.js';
import { dashboardHtml } from '../dashboard/page.js';
import type { DashboardData, RecentExecution } from '../schema/dashboard.js';
import { packRecent, PROMPT_SHOWN, type RecentRun } from '../dashboard/recent-pack.js';
import { claudeConfigDir, subagentTranscriptFinder } from '../capture/claude-paths.js';
import { writeFileAtomic } from '../store/atomic.js';
import { dashboardPath, projectsDashboardPath } from '../store/paths.js';
import { projectsTrendsOf, refuseWithAllProjects } from './all-projects.js';
import { projectName } from '../store/location.js';
import { listDays, readDayRecords } from '../store/records.js';
import type { AgentExecution } from '../schema/record.js';
import { runDetail } from '../analytics/runs.js';
import { createContext, outFile, type CommandContext, type GlobalOptions } from './context.js';
import { daysOption, sinceOption, untilOption, windowOf, type WindowOptions } from './options.js';
import { BASELINE_DAYS, Reporter } from '../rollup/reporter.js';
import { SummarySource } from '../rollup/summary-source.js';
import { Warnings } from '../render/warnings.js';
import { collectStatus } from './reporting.js';
import { dayReader } from '../rollup/status-source.js';

// `agent-track dashboard`: one self-contained HTML file with charts, made of
// the JSON the other commands print (report, trends, daily report summaries,
// status) plus the latest executions. Closed days come from their rollups;
// only the latest recorded days are read record by record, for the table
// and the detail of each of its runs (packed: dashboard/recent-pack.ts).

export const DEFAULT_DASHBOARD_DAYS = 30;
const MAX_DASHBOARD_DAYS = 366;
/** The recent-executions table reads at most this many of the latest recorded days. */
const RECENT_DAYS_READ = 2;

interface DashboardOptions extends GlobalOptions, WindowOptions {
  out?: string;
  open?: boolean;
  allProjects?: boolean;
}

export function dashboardCommand(): Command {
  return new Command('dashboard')
    .description('write a self-contained HTML dashboard with charts: runs, outcomes, durations, tokens, cost, tools, workflows, health')
    .option('--out <file>', 'write it here (default: <logs>/metrics/dashboard.html)')
    .option('--open', 'open it in the default browser afterwards ($BROWSER, open, or xdg-open)')
    .addOption(daysOption(DEFAULT_DASHBOARD_DAYS, MAX_DASHBOARD_DAYS))
    .addOption(sinceOption())
    .addOption(untilOption())
    .option('--all-projects', 'add a Projects card: every project on this machine, its runs per day, success, p50, cost and change, with a project filter (default file: <logs>/metrics/dashboard-all-projects.html)')
    .action(async (_options: unknown, command: Command) => {
      process.exitCode = await runDashboard(command.optsWithGlobals<DashboardOptions>());
    });
}

async function runDashboard(options: DashboardOptions): Promise<number> {
  const ctx = createContext(options);
  const period = windowOf(options, localDay(ctx.now));
  if (options.allProjects) refuseWithAllProjects('shows every project beside this one', { '--logs-dir': options.logsDir, '--project': options.project });
  // Checked before the work: the default, under the logs folder, is made on demand.
  const defaultPath = options.allProjects ? projectsDashboardPath(ctx.logsDir) : dashboardPath(ctx.logsDir);
  const path = options.out === undefined ? resolve(ctx.cwd, defaultPath) : outFile(ctx.cwd, options.out);
  const warnings = new Warnings();
  const data = await dashboardData(ctx, period, warnings);
  if (options.allProjects) data.projects = await projectsTrendsOf(ctx, period, null);
  const html = dashboardHtml(data, PAGE_ASSETS);
  // The default place is under the logs folder, which is never written through a link; --out goes where it is told.
  writeFileAtomic(path, html, options.out === undefined ? { within: ctx.logsDir } : {});

  const runs = data.report.summary.totalExecutions;
  if (data.projects) {
    const t = data.projects.totals;
    ctx.stdout.write(`Dashboard of ${formatCount(runs)} executions here and ${formatCount(t.executions)} in ${plural(t.projects, 'project')}, from ${period.from} to ${period.to} (${formatBytes(Buffer.byteLength(html))}):\n`);
  } else if (data.recordedDays === null) {
    ctx.stdout.write(`No subagent executions recorded yet in ${ctx.logsDir}: wrote an empty dashboard that says how to start (agent-track install).\n`);
  } else {
    ctx.stdout.write(`Dashboard of ${formatCount(runs)} executions from ${period.from} to ${period.to} (${formatBytes(Buffer.byteLength(html))}):\n`);
  }
  ctx.stdout.write(`${path}\n`);
  if (options.open) await openInBrowser(path, ctx);
  warnings.flush(ctx.stderr);
  return 0;
}

/** Everything the page shows, from the same builders as `report`, `trends` and `status`. */
export async function dashboardData(ctx: CommandContext, period: Period, warnings: Warnings): Promise<DashboardData> {
  const today = localDay(ctx.now);
  const readDay = dayReader(ctx.logsDir, ctx.now, warnings.issue);
  // Status first: it sweeps in-flight runs, as every command does before reading.
  const { status } = await collectStatus(ctx, warnings, readDay);

  const source = new SummarySource(ctx.logsDir, ctx.now, warnings.issue);
  const reporter = new Reporter(source, ctx.config.prices, ctx.now);
  const first = [previousPeriod(period).from, addDays(period.from, -BASELINE_DAYS)].sort()[0]!;
  await source.prefetch(first, period.to);
  const report = reporter.report(period, null);
  const trends = reporter.trendsOf(period, null);
  const daily = dailySummaries(period, source.figuresOf(period.from, period.to), ctx.config.prices, today, ctx.now);

  const days = listDays(ctx.logsDir);
  const recentDays = days.filter((day) => day >= period.from && day <= period.to).slice(-RECENT_DAYS_READ);
  const records = latestVersions(recentDays.flatMap((day) => readDayRecords(ctx.logsDir, day, warnings.issue)));
  const rows = recentExecutions(records);

  return {
    schemaVersion: 1,
    kind: 'agent-track/dashboard',
    generatedAt: new Date(ctx.now).toISOString(),
    version: require('../../package.json').version as string,
    project: projectName(ctx.logsDir),
    recordedDays: days.length ? { first: days[0]!, last: days[days.length - 1]! } : null,
    report,
    trends,
    daily,
    recent: packRecent({ days: recentDays, total: records.length, promptShown: PROMPT_SHOWN, runs: recentRuns(ctx, records, rows) }),
    status,
  };
}

/** Tool calls one run's detail carries at most: a long run's first calls, the rest through `show`. */
const TIMELINE_CALLS_PER_RUN = 40;
/** Tool calls all the details carry together, newest runs first: about 15 KB of the page (README "Measured"). */
const TIMELINE_CALLS_PER_PAGE = 1_000;

/** A run rewritten by a late event may have two files: its latest version counts. */
function latestVersions(records: readonly AgentExecution[]): AgentExecution[] {
  const byId = new Map<string, AgentExecution>();
  for (const record of records) {
    const seen = byId.get(record.id);
    if (!seen || record.capture.writtenAt > seen.capture.writtenAt) byId.set(record.id, record);
  }
  return [...byId.values()];
}

/** Each table row with the detail a click on it opens: what `show` shows, from the record and a look for its transcript. */
function recentRuns(ctx: CommandContext, records: readonly AgentExecution[], rows: readonly RecentExecution[]): RecentRun[] {
  const byId = new Map(records.map((r) => [r.id, r]));
  const transcriptOf = subagentTranscriptFinder(claudeConfigDir(ctx.env, ctx.env.HOME || homedir()));
  let room = TIMELINE_CALLS_PER_PAGE;
  return rows.map((row) => {
    const record = byId.get(row.id)!;
    const agentId = record.request.context.agentId;
    const transcriptPath = agentId ? transcriptOf(record.request.context.sessionId, agentId) : null;
    const detail = runDetail(record, ctx.config.prices, { timelineRoom: Math.min(TIMELINE_CALLS_PER_RUN, room), promptShown: PROMPT_SHOWN, transcriptPath });
    room -= detail.timeline.calls.length;
    return { row, detail };
  });
}

/**
 * The platform's way to open a file in the default browser. A machine
 * without one (a server, a container) is not an error: the path is printed
 * and the user opens it where they can.
 */
async function openInBrowser(path: string, ctx: CommandContext): Promise<void> {
  const [command, args] = opener(path, ctx.env);
  const problem = await new Promise<string | null>((done) => {
    try {
      const child = spawn(command, args, { detached: true, stdio: 'ignore' });
      child.once('error', (error: NodeJS.ErrnoException) => done(error.code === 'ENOENT' ? `${command} is not installed` : error.message));
      child.once('spawn', () => {
        child.unref();
        done(null);
      });
    } catch (error) {
      done((error as Error).message);
    }
  });
  if (problem) ctx.stderr.write(`agent-track: could not open it (${problem}); open ${path} in a browser.\n`);
}

function opener(path: string, env: NodeJS.ProcessEnv): [string, string[]] {
  if (env.BROWSER) return [env.BROWSER, [path]];
  if (process.platform === 'darwin') return ['open', [path]];
  if (process.platform === 'win32') return ['cmd', ['/c', 'start', '""', path]];
  return ['xdg-open', [path]];
}
