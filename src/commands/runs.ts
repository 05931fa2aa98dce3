import { Command, Option } from 'commander';
import { matchesRun, newestFirst, runRow, type RunFilter } from '../analytics/runs.js';
import { DURATION_HELP } from '../time/duration.js';
import { localDay } from '../time/period.js';
import { render } from '../render/output.js';
import { runsDocument } from '../render/runs-view.js';
import { ExecutionStatus } from '../schema/enums.js';
import type { AgentExecution } from '../schema/record.js';
import type { RunsOutput } from '../schema/runs.js';
import { listDays, readDayRecords } from '../store/records.js';
import { createContext, UsageError, type GlobalOptions } from './context.js';
import { choiceOption, formatOf, formatOption, jsonOption, sinceInstant, sinceOption, wholeNumber } from './options.js';
import { Warnings } from '../render/warnings.js';

// `agent-track runs`: recent executions, newest first, one line each. Days
// are read newest first and reading stops once the limit is filled.

export const DEFAULT_RUNS_LIMIT = 20;
const MAX_RUNS_LIMIT = 100_000;

interface RunsOptions extends GlobalOptions {
  agent?: string;
  status?: ExecutionStatus;
  since?: string;
  limit: number;
  session?: string;
  format: 'table' | 'json' | 'csv';
  json?: boolean;
}

export function runsCommand(): Command {
  return new Command('runs')
    .description('recent subagent executions, newest first: id, agent, start, duration, status, cost, first error')
    .option('--agent <name>', 'only this agent type')
    .addOption(choiceOption('--status <status>', 'only runs with this status', ExecutionStatus.options, (value) => `--status expects ${ExecutionStatus.options.join(', ')}, not "${value}"`))
    .addOption(sinceOption(`only runs started since a day (YYYY-MM-DD) or a span before now (${DURATION_HELP})`))
    .option('--session <id>', 'only runs of this Claude Code session')
    .addOption(new Option('--limit <n>', 'at most n runs').argParser(wholeNumber('--limit', 1, MAX_RUNS_LIMIT)).default(DEFAULT_RUNS_LIMIT))
    .addOption(formatOption(['table', 'json', 'csv']))
    .addOption(jsonOption())
    .action((_options: unknown, command: Command) => {
      process.exitCode = runRuns(command.optsWithGlobals<RunsOptions>());
    });
}

function runRuns(options: RunsOptions): number {
  const format = formatOf(options);
  const ctx = createContext(options);
  const limit = options.limit;
  const filter: RunFilter = {
    agent: options.agent ?? null,
    status: options.status ?? null,
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
    ctx.stdout.write(render(out, () => runsDocument(out), format, { width: ctx.width, color: ctx.color }));
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

function sinceOf(text: string, now: number): number {
  const since = sinceInstant(text, now);
  if (since === null) throw new UsageError(`--since expects a day such as 2026-11-20 or a span such as 2h or 7d, not "${text}"`);
  return since;
}
