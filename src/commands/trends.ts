import { Command } from 'commander';
import { localDay } from '../time/period.js';
import { createContext, type GlobalOptions } from './context.js';
import { addOutputOptions, agentsOf, daysOption, formatOf, sinceOption, untilOption, windowOf, type OutputOptions, type WindowOptions } from './options.js';
import { runReporting } from './reporting.js';
import { refuseWithAllProjects, runAllProjectsTrends } from './all-projects.js';

// `agent-track trends`: per-day series per agent over a window, the change
// against the window before it, slopes and anomalies.

export const DEFAULT_TREND_DAYS = 30;
const MAX_TREND_DAYS = 3_660;

interface TrendsOptions extends GlobalOptions, OutputOptions, WindowOptions {
  allProjects?: boolean;
}

export function trendsCommand(): Command {
  return addOutputOptions(
    new Command('trends')
      .description('per-day trends per agent: runs, success rate, p50 duration, tokens, cost; change, slope, anomalies')
      .addOption(daysOption(DEFAULT_TREND_DAYS, MAX_TREND_DAYS))
      .addOption(sinceOption())
      .addOption(untilOption())
      .option('--all-projects', 'every project on this machine: each one\'s runs, success, p50 and cost with their change and runs per day, and the totals per day; see README "Reports across projects"'),
  ).action(async (_options: unknown, command: Command) => {
    process.exitCode = await runTrends(command.optsWithGlobals<TrendsOptions>());
  });
}

async function runTrends(options: TrendsOptions): Promise<number> {
  const ctx = createContext(options);
  const format = formatOf(options);
  const agents = agentsOf(options);
  const period = windowOf(options, localDay(ctx.now));
  if (options.allProjects) {
    refuseWithAllProjects('reports every project', { '--out': options.out, '--logs-dir': options.logsDir, '--project': options.project });
    return runAllProjectsTrends(ctx, { period, agents, format });
  }
  return runReporting(ctx, { kind: 'trends', period, agents, format, out: options.out });
}
