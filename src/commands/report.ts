import { Command } from 'commander';
import { parseDuration } from '../time/duration.js';
import { addDays, customPeriod, dailyPeriod, dayNumber, isoWeekPeriod, monthPeriod, trailingWeek, type Period } from '../time/period.js';
import { FORMATS, type Format } from '../render/output.js';
import { localDay } from '../store/paths.js';
import { createContext, UsageError, type GlobalOptions } from './context.js';
import { runReporting } from './reporting.js';
import { runAllProjects } from './all-projects.js';
import { DAY_MS } from '../time/duration.js';

// `agent-track report`: one report over any period. Flags become a Period
// here; everything after that is the same pipeline whatever the period.

export interface OutputOptions {
  agent: string[];
  format?: string;
  json?: boolean;
  out?: string;
}

export interface PeriodOptions {
  daily?: string | true;
  weekly?: boolean;
  week?: string;
  monthly?: string | true;
  since?: string;
  until?: string;
}

interface ReportOptions extends GlobalOptions, OutputOptions, PeriodOptions {
  trends?: boolean;
  allProjects?: boolean;
}

export function reportCommand(): Command {
  return addOutputOptions(
    new Command('report')
      .description('report on subagent executions: summary, per agent, top performers, improvement areas, tools, workflows, cost')
      .option('--daily [date]', 'one day, YYYY-MM-DD (default: today)')
      .option('--weekly', 'the 7 days ending today (the default period)')
      .option('--week <week>', 'an ISO week, e.g. 2026-W47')
      .option('--monthly [month]', 'a calendar month, YYYY-MM (default: this month)')
      .option('--since <date>', 'first day, YYYY-MM-DD, or a span before --until such as 30d or 2w')
      .option('--until <date>', 'last day, YYYY-MM-DD (default: today)')
      .option('--trends', 'per-day trends over the period instead of the report')
      .option('--all-projects', 'one row per project on this machine (runs, success rate, cost, top agents); see README "Reports across projects"'),
  ).action(async (_options: unknown, command: Command) => {
    process.exitCode = await runReport(command.optsWithGlobals<ReportOptions>());
  });
}

export function addOutputOptions(command: Command): Command {
  return command
    .option('--agent <name>', 'only this agent type (repeat for several)', (value: string, list: string[]) => [...list, value], [])
    .option('--format <format>', `output format: ${FORMATS.join(', ')} (default: table)`)
    .option('--json', 'short for --format json')
    .option('--out <file>', 'write to this file instead of standard output');
}

async function runReport(options: ReportOptions): Promise<number> {
  const ctx = createContext(options);
  const format = formatOf(options);
  const period = periodOf(options, localDay(ctx.now));
  const agents = agentsOf(options);
  if (options.allProjects) {
    if (options.trends || options.out || options.logsDir || options.project) throw new UsageError('--all-projects reports every project: leave out --trends, --out, --logs-dir and --project');
    return runAllProjects(ctx, { period, agents, format });
  }
  return runReporting(ctx, { kind: options.trends ? 'trends' : 'report', period, agents, format, out: options.out });
}

export function formatOf(options: OutputOptions): Format {
  if (options.json && options.format !== undefined && options.format !== 'json') {
    throw new UsageError(`--json and --format ${options.format} contradict each other`);
  }
  const format = options.json ? 'json' : (options.format ?? 'table');
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`unknown format "${format}": use ${FORMATS.join(', ')}`);
  }
  return format as Format;
}

export function agentsOf(options: OutputOptions): string[] | null {
  const agents = [...new Set(options.agent.map((a) => a.trim()))];
  if (agents.some((a) => a === '')) throw new UsageError('--agent needs an agent type');
  return agents.length ? agents : null;
}

/** The period the flags ask for; the 7 days ending today when they ask for none. */
export function periodOf(options: PeriodOptions, today: string): Period {
  const chosen = [
    options.daily !== undefined && '--daily',
    (options.weekly || options.week !== undefined) && (options.week !== undefined ? '--week' : '--weekly'),
    options.monthly !== undefined && '--monthly',
    (options.since !== undefined || options.until !== undefined) && '--since/--until',
  ].filter(Boolean);
  if (chosen.length > 1) throw new UsageError(`choose one period: ${chosen.join(' or ')}`);

  if (options.daily !== undefined) return dailyPeriod(options.daily === true ? today : day(options.daily, '--daily'), today);
  if (options.week !== undefined) {
    const period = isoWeekPeriod(options.week, today);
    if (!period) throw new UsageError(`--week expects an ISO week such as 2026-W47, not "${options.week}"`);
    return period;
  }
  if (options.monthly !== undefined) {
    const month = options.monthly === true ? today.slice(0, 7) : options.monthly;
    const period = monthPeriod(month, today);
    if (!period) throw new UsageError(`--monthly expects a month such as 2026-11, not "${month}"`);
    return period;
  }
  if (options.since !== undefined || options.until !== undefined) {
    const until = options.until === undefined ? today : day(options.until, '--until');
    const since = options.since === undefined ? addDays(until, -6) : sinceDay(options.since, until);
    if (since > until) throw new UsageError(`--since ${since} is after --until ${until}`);
    return customPeriod(since, until, today);
  }
  return trailingWeek(today, today);
}

function day(text: string, flag: string): string {
  if (dayNumber(text) === null) throw new UsageError(`${flag} expects a date such as 2026-11-25, not "${text}"`);
  return text;
}

/** "2026-11-01", or a span such as "30d" or "2w" counted back from `until` (inclusive). */
function sinceDay(text: string, until: string): string {
  if (dayNumber(text) !== null) return text;
  const ms = parseDuration(text);
  const days = ms === null ? NaN : ms / DAY_MS;
  if (!Number.isInteger(days) || days < 1) {
    throw new UsageError(`--since expects a date such as 2026-11-01 or a number of days or weeks such as 30d or 2w, not "${text}"`);
  }
  return addDays(until, 1 - days);
}

