import { Command, Option } from 'commander';
import { HEALTH_THRESHOLDS } from '../analytics/status.js';
import { loadConfig } from '../config/load.js';
import { projectsOnThisMachine } from '../import/projects.js';
import { clip, LiveScreen } from '../render/live-screen.js';
import { statusDocument, statusProjectsDocument } from '../render/status-view.js';
import { renderTerminal } from '../render/terminal.js';
import { Warnings } from '../render/warnings.js';
import { dayReader } from '../rollup/status-source.js';
import type { Status } from '../schema/status.js';
import { StatusProjects } from '../schema/status-projects.js';
import { resolveConfigPath } from '../store/location.js';
import { RecordFolderCache } from '../store/records.js';
import { createContext, UsageError, type CommandContext, type GlobalOptions } from './context.js';
import { formatOf, formatOption, jsonOption } from './options.js';
import { collectStatus } from './reporting.js';

// `agent-track status`: the design document's live dashboard (active agents
// with an estimated completion, the last 24 hours, agent health), once or
// redrawn in place with --watch until Ctrl-C.

const DEFAULT_WATCH_SECONDS = 2;

interface StatusOptions extends GlobalOptions {
  json?: boolean;
  format: 'table' | 'json';
  watch?: number;
  allProjects?: boolean;
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
    .option('--all-projects', 'one row per project on this machine (running now, last 24 hours, unhealthy agents, subagent share); see README "Reports across projects"')
    .addHelpText('after', HEALTH_HELP)
    .action(async (_options: unknown, command: Command) => {
      process.exitCode = await runStatus(command.optsWithGlobals<StatusOptions>());
    });
}

async function runStatus(options: StatusOptions): Promise<number> {
  const ctx = createContext(options);
  const json = formatOf(options) === 'json';
  if (options.allProjects) {
    if (options.watch !== undefined || options.logsDir || options.project) throw new UsageError('--all-projects shows every project once: leave out --watch, --logs-dir and --project');
    return statusOfAllProjects(ctx, json);
  }
  const seconds = options.watch;
  if (seconds === undefined) {
    const warnings = new Warnings();
    const { status, hasData } = await collectStatus(ctx, warnings);
    if (json) {
      if (!hasData) ctx.stderr.write(`agent-track: ${emptyMessage(ctx).replace(/\n/g, ' ')}\n`);
      ctx.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
    } else {
      ctx.stdout.write(view(ctx, status, hasData, ctx.width));
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
  const screen = new LiveScreen(base.stdout, base.env);
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
      last = await collectStatus(ctx, warnings, dayReader(ctx.logsDir, ctx.now, warnings.issue, folders));
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

/** `status --all-projects`: each project's own status (its logs folder, its config), one row each. */
async function statusOfAllProjects(ctx: CommandContext, json: boolean): Promise<number> {
  const rows: StatusProjects['projects'] = [];
  const warnings = new Warnings();
  for (const { project, logsDir } of projectsOnThisMachine(ctx.env)) {
    let config = ctx.config;
    try {
      config = loadConfig(resolveConfigPath(logsDir, ctx.env));
    } catch (error) {
      ctx.stderr.write(`agent-track: warning: ${project}: ${(error as Error).message}; default settings used\n`);
    }
    const { status } = await collectStatus({ ...ctx, logsDir, config }, warnings);
    const unhealthy = Object.entries(status.agentHealth).filter(([, h]) => h.status !== 'healthy');
    rows.push({
      project,
      logsDir,
      activeAgents: status.activeAgents.length,
      last24Hours: status.last24Hours,
      unhealthyAgents: unhealthy.map(([agent, h]) => ({ agent, status: h.status })),
      sessions: status.sessions,
    });
  }
  rows.sort((a, b) => b.activeAgents - a.activeAgents || b.last24Hours.executionCount - a.last24Hours.executionCount || a.project.localeCompare(b.project));
  const value = StatusProjects.parse({ schemaVersion: 1, kind: 'agent-track/status-projects', generatedAt: new Date(ctx.now).toISOString(), projects: rows });
  if (json) ctx.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  else ctx.stdout.write(renderTerminal(statusProjectsDocument(value), { width: ctx.width, color: ctx.color }));
  warnings.flush(ctx.stderr);
  return 0;
}
