import { Command, Option } from 'commander';
import { summarizeDay } from '../analytics/day-summary.js';
import { addDays, daysBetween } from '../analytics/period.js';
import { budgetsFrom, budgetStates } from '../analytics/budgets.js';
import { buildStatus, foldersForRecentRuns, HEALTH_THRESHOLDS } from '../analytics/status.js';
import { listInFlight } from '../capture/sweep.js';
import type { ExecutionFacts } from '../schema/facts.js';
import type { Status } from '../schema/status.js';
import { readAgentDayFacts, RecordFolderCache } from '../store/agent-records.js';
import { localDay } from '../store/paths.js';
import { listDays } from '../store/records.js';
import { statusDocument } from '../render/status-view.js';
import { clip, LiveScreen } from '../render/live-screen.js';
import { renderTerminal } from '../render/terminal.js';
import { createContext, UsageError, type CommandContext, type GlobalOptions } from './context.js';
import { formatOf, formatOption, jsonOption } from './options.js';
import { SummarySource, sweep, Warnings } from './reporting.js';

// `agent-track status`: the design document's live dashboard (active agents
// with an estimated completion, the last 24 hours, agent health), once or
// redrawn in place with --watch until Ctrl-C.

const DAY_MS = 86_400_000;
const DEFAULT_WATCH_SECONDS = 2;

interface StatusOptions extends GlobalOptions {
  json?: boolean;
  format: 'table' | 'json';
  watch?: number;
}

const T = HEALTH_THRESHOLDS;
const HEALTH_HELP = `
Agent health is judged on each agent's last ${T.recentRuns} runs started within
${T.recentDays} days (only failed runs count as errors; a partial run finished):
  failed    its last ${T.failedStreak} runs failed, or all of its recent runs did,
            or ${T.failedErrorRate}% or more of them (given ${T.minRunsForRate} or more runs)
  degraded  ${T.degradedErrorRate}% or more of its recent runs failed (given ${T.minRunsForRate} or more),
            or its latest run failed
  healthy   otherwise
Estimated completion: start + the agent type's median duration over the
last ${T.historyDays} days; "unknown" when it has none.`;

export function statusCommand(): Command {
  return new Command('status')
    .description('what runs now and when it should be done, the last 24 hours, and every agent\'s health')
    .addOption(formatOption(['table', 'json']))
    .addOption(jsonOption('short for --format json (activeAgents, last24Hours, agentHealth)'))
    .addOption(new Option('--watch [seconds]', 'redraw every n seconds until Ctrl-C').preset(DEFAULT_WATCH_SECONDS).argParser(watchSeconds))
    .addHelpText('after', HEALTH_HELP)
    .action(async (_options: unknown, command: Command) => {
      process.exitCode = await runStatus(command.optsWithGlobals<StatusOptions>());
    });
}

async function runStatus(options: StatusOptions): Promise<number> {
  const ctx = createContext(options);
  const json = formatOf(options) === 'json';
  const seconds = options.watch;
  if (seconds === undefined) {
    const warnings = new Warnings();
    const { status, hasData } = await collectStatus(ctx, warnings);
    if (json) {
      if (!hasData) ctx.stderr.write(`agent-track: ${emptyMessage(ctx).replace(/\n/g, ' ')}\n`);
      ctx.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
    } else {
      ctx.stdout.write(view(ctx, status, hasData, ctx.stdout.isTTY ? (ctx.stdout.columns ?? 80) : Infinity));
    }
    warnings.flush(ctx.stderr);
    return 0;
  }
  return watch(ctx, seconds, json);
}

/** --watch's seconds; the preset (a bare --watch) comes through here as a number. */
function watchSeconds(value: string | number): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0.5 || seconds > 3600) {
    throw new UsageError(`--watch expects a number of seconds from 0.5 to 3600, not "${value}"`);
  }
  return seconds;
}

function view(ctx: CommandContext, status: Status, hasData: boolean, width: number, note?: string): string {
  if (!hasData) return `${emptyMessage(ctx)}\n`;
  return renderTerminal(statusDocument(status, note === undefined ? {} : { note }), { width, color: ctx.color });
}

function emptyMessage(ctx: CommandContext): string {
  return `No subagent executions recorded yet in ${ctx.logsDir}.\nStart tracking with \`agent-track install\`; the status fills in as Claude Code runs subagents.`;
}

/**
 * Redraws until Ctrl-C (SIGINT) or SIGTERM, then gives the terminal back and
 * exits 0: stopping a watch is how it is meant to end. With --json, one
 * compact JSON line per refresh.
 */
async function watch(base: CommandContext, seconds: number, json: boolean): Promise<number> {
  const screen = new LiveScreen(base.stdout);
  let stopped = false;
  let wake: () => void = () => {};
  const stop = () => {
    stopped = true;
    wake();
  };
  let last: { status: Status; hasData: boolean } | null = null;
  const note = `every ${seconds} s · Ctrl-C to stop`;
  const folders = new RecordFolderCache();
  let held: Warnings | null = null;
  const draw = () => {
    if (!last) return;
    const width = screen.width;
    screen.draw(clip(view(base, last.status, last.hasData, width, note), width));
  };
  const onResize = () => draw();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  base.stdout.on('resize', onResize);
  try {
    while (!stopped) {
      const ctx = { ...base, now: Date.now() };
      const warnings = new Warnings();
      last = await collectStatus(ctx, warnings, dayReader(ctx, warnings, folders));
      if (stopped) break;
      if (json) base.stdout.write(`${JSON.stringify(last.status)}\n`);
      else draw();
      // Warnings would scroll a redrawn screen: on a terminal, the last refresh's are shown once it is given back.
      if (!screen.interactive || json) warnings.flush(base.stderr);
      else held = warnings;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, seconds * 1000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    base.stdout.off('resize', onResize);
    screen.close();
    held?.flush(base.stderr);
  }
  return 0;
}

/** A day's records, each day read once per run. */
export type DayReader = (day: string) => ExecutionFacts[];

/** `cache` carries record folders over from an earlier refresh (status --watch); only changed folders are read again. */
export function dayReader(ctx: CommandContext, warnings: Warnings, cache = new RecordFolderCache()): DayReader {
  const days = new Map<string, ExecutionFacts[]>();
  return (day) => {
    let records = days.get(day);
    if (!records) days.set(day, (records = cache.readDay(ctx.logsDir, day, ctx.now, warnings.issue)));
    return records;
  };
}

/**
 * Everything the status needs, read as cheaply as it can be: the days that
 * overlap the last 24 hours are read whole; older days come from their
 * rollups, except the record folders of agents whose latest runs reach back
 * into them (see foldersForRecentRuns).
 */
export async function collectStatus(
  ctx: CommandContext,
  warnings: Warnings,
  readDay: DayReader = dayReader(ctx, warnings),
): Promise<{ status: Status; hasData: boolean }> {
  sweep(ctx, warnings);
  const now = ctx.now;
  const today = localDay(now);
  const active = listInFlight(ctx.logsDir, ctx.config, now);
  const recorded = new Set(listDays(ctx.logsDir));

  const whole = daysBetween(localDay(now - DAY_MS), today).filter((day) => recorded.has(day));
  const historyFrom = addDays(today, -T.historyDays);
  const closedTo = addDays(localDay(now - DAY_MS), -1);
  const source = new SummarySource(ctx.logsDir, now, warnings.issue);
  // A month's budget may reach back further than the history.
  const budgetFrom = budgetsFrom(ctx.config.budgets, today);
  const from = budgetFrom !== null && budgetFrom < historyFrom ? budgetFrom : historyFrom;
  await source.prefetch(from, closedTo);
  const records = whole.flatMap((day) => readDay(day));
  const wholeFigures = whole.map((day) => summarizeDay(day, readDay(day)));
  const history = [...source.figuresOf(historyFrom, closedTo), ...wholeFigures];

  const recentFrom = localDay(now - T.recentDays * DAY_MS);
  for (const [day, agents] of foldersForRecentRuns(history.filter((d) => d.day >= recentFrom), new Set(whole))) {
    for (const agent of agents) records.push(...readAgentDayFacts(ctx.logsDir, day, agent, warnings.issue));
  }
  const budgetDays = budgetFrom === null ? [] : [...source.figuresOf(budgetFrom, closedTo), ...wholeFigures];
  const budgets = budgetStates({ budgets: ctx.config.budgets, days: budgetDays, prices: ctx.config.prices, now, today });
  const status = buildStatus({ now, active, history, records, warnings: warnings.list(), budgets });
  return { status, hasData: recorded.size > 0 || active.length > 0 };
}
