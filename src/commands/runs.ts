import { Command } from 'commander';
import { dayNumber } from '../time/period.js';
import { matchesRun, newestFirst, runRow, type RunFilter } from '../analytics/runs.js';
import { parseDuration, DURATION_HELP } from '../time/duration.js';
import { render } from '../render/output.js';
import { runsDocument } from '../render/runs-view.js';
import { ExecutionStatus } from '../schema/enums.js';
import type { AgentExecution } from '../schema/record.js';
import type { RunsOutput } from '../schema/runs.js';
import { localDay } from '../store/paths.js';
import { listDays, readDayRecords } from '../store/records.js';
import { createContext, UsageError, type GlobalOptions } from './context.js';
import { Warnings } from '../render/warnings.js';

// `agent-track runs`: recent executions, newest first, one line each. Days
// are read newest first and reading stops once the limit is filled.

export const DEFAULT_RUNS_LIMIT = 20;
const MAX_RUNS_LIMIT = 100_000;

interface RunsOptions extends GlobalOptions {
  agent?: string;
  status?: string;
  since?: string;
  limit?: string;
  session?: string;
  format?: string;
  json?: boolean;
}

export function runsCommand(): Command {
  return new Command('runs')
    .description('recent subagent executions, newest first: id, agent, start, duration, status, cost, first error')
    .option('--agent <name>', 'only this agent type')
    .option('--status <status>', `only runs with this status: ${ExecutionStatus.options.join(', ')}`)
    .option('--since <when>', `only runs started since a day (YYYY-MM-DD) or a span before now (${DURATION_HELP})`)
    .option('--session <id>', 'only runs of this Claude Code session')
    .option('--limit <n>', `at most n runs (default: ${DEFAULT_RUNS_LIMIT})`)
    .option('--format <format>', 'table, json or csv (default: table)')
    .option('--json', 'short for --format json')
    .action((_options: unknown, command: Command) => {
      process.exitCode = runRuns(command.optsWithGlobals<RunsOptions>());
    });
}

function runRuns(options: RunsOptions): number {
  const format = options.json ? 'json' : (options.format ?? 'table');
  if (options.json && options.format && options.format !== 'json') throw new UsageError(`--json and --format ${options.format} contradict each other`);
  if (format !== 'table' && format !== 'json' && format !== 'csv') throw new UsageError(`unknown format "${format}" for runs: use table, json or csv`);
  const ctx = createContext(options);
  const limit = limitOf(options.limit);
  const filter: RunFilter = {
    agent: options.agent ?? null,
    status: statusOf(options.status),
    since: options.since === undefined ? null : sinceOf(options.since, ctx.now),
    session: options.session ?? null,
  };
  const warnings = new Warnings();
  const firstDay = filter.since === null ? null : localDay(filter.since);
  const matched: AgentExecution[] = [];
  for (const day of listDays(ctx.logsDir).reverse()) {
    if (firstDay !== null && day < firstDay) break;
    // A day holds runs that started on it: once the limit is filled, older days cannot come first.
    if (matched.length > limit) break;
    matched.push(...latestPerId(readDayRecords(ctx.logsDir, day, warnings.issue)).filter((r) => matchesRun(r, filter)));
  }
  matched.sort(newestFirst);
  const out: RunsOutput = {
    schemaVersion: 1,
    kind: 'agent-track/runs',
    generatedAt: new Date(ctx.now).toISOString(),
    filter: { ...filter, since: filter.since === null ? null : new Date(filter.since).toISOString(), limit },
    runs: matched.slice(0, limit).map((r) => runRow(r, ctx.config.prices)),
    more: matched.length > limit,
  };
  if (out.runs.length === 0 && format === 'table') {
    ctx.stdout.write(`No subagent runs${filter.agent || filter.status || filter.session || filter.since ? ' match these filters' : ''} in ${ctx.logsDir}.\n`);
  } else {
    ctx.stdout.write(render(out, () => runsDocument(out), format, { width: ctx.stdout.isTTY ? (ctx.stdout.columns ?? 80) : Infinity, color: ctx.color }));
  }
  warnings.flush(ctx.stderr);
  return 0;
}

/** A record rewritten later (a late event) is one run: keep its latest version. */
function latestPerId(records: AgentExecution[]): AgentExecution[] {
  const byId = new Map<string, AgentExecution>();
  for (const r of records) {
    const seen = byId.get(r.id);
    if (!seen || r.capture.writtenAt > seen.capture.writtenAt) byId.set(r.id, r);
  }
  return [...byId.values()];
}

function limitOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_RUNS_LIMIT;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > MAX_RUNS_LIMIT) throw new UsageError(`--limit expects a whole number from 1 to ${MAX_RUNS_LIMIT}, not "${text}"`);
  return n;
}

function statusOf(text: string | undefined): RunFilter['status'] {
  if (text === undefined) return null;
  const parsed = ExecutionStatus.safeParse(text);
  if (!parsed.success) throw new UsageError(`--status expects ${ExecutionStatus.options.join(', ')}, not "${text}"`);
  return parsed.data;
}

/** "2026-11-20" is the start of that local day; "2h" is two hours before now. */
export function sinceOf(text: string, now: number): number {
  if (dayNumber(text) !== null) {
    const [y, m, d] = text.split('-').map(Number);
    return new Date(y!, m! - 1, d!).getTime();
  }
  const span = parseDuration(text);
  if (span === null) throw new UsageError(`--since expects a day such as 2026-11-20 or a span such as 2h or 7d, not "${text}"`);
  return now - span;
}
