import { Command } from 'commander';
import { addDays, customPeriod } from '../time/period.js';
import { localDay } from '../store/paths.js';
import { createContext, UsageError, type GlobalOptions } from './context.js';
import { addOutputOptions, agentsOf, formatOf, periodOf, type OutputOptions } from './report.js';
import { runReporting } from './reporting.js';

// `agent-track trends`: per-day series per agent over a window, the change
// against the window before it, slopes and anomalies.

export const DEFAULT_TREND_DAYS = 30;
const MAX_TREND_DAYS = 3_660;

interface TrendsOptions extends GlobalOptions, OutputOptions {
  days?: string;
  since?: string;
  until?: string;
}

export function trendsCommand(): Command {
  return addOutputOptions(
    new Command('trends')
      .description('per-day trends per agent: runs, success rate, p50 duration, tokens, cost; change, slope, anomalies')
      .option('--days <n>', `the n days ending --until (default: ${DEFAULT_TREND_DAYS})`)
      .option('--since <date>', 'first day, YYYY-MM-DD, or a span such as 90d')
      .option('--until <date>', 'last day, YYYY-MM-DD (default: today)'),
  ).action(async (_options: unknown, command: Command) => {
    process.exitCode = await runTrends(command.optsWithGlobals<TrendsOptions>());
  });
}

async function runTrends(options: TrendsOptions): Promise<number> {
  const ctx = createContext(options);
  const today = localDay(ctx.now);
  const format = formatOf(options);
  const agents = agentsOf(options);
  if (options.days !== undefined && options.since !== undefined) throw new UsageError('choose one: --days or --since');
  let period;
  if (options.since !== undefined) {
    period = periodOf({ since: options.since, until: options.until }, today);
  } else {
    const days = options.days === undefined ? DEFAULT_TREND_DAYS : Number(options.days);
    if (!Number.isInteger(days) || days < 1 || days > MAX_TREND_DAYS) {
      throw new UsageError(`--days expects a whole number from 1 to ${MAX_TREND_DAYS}, not "${options.days}"`);
    }
    const until = periodOf({ until: options.until ?? today }, today).to;
    period = customPeriod(addDays(until, 1 - days), until, today);
  }
  return runReporting(ctx, { kind: 'trends', period, agents, format, out: options.out });
}
