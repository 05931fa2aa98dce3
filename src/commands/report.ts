import { Command } from 'commander';
import { localDay } from '../time/period.js';
import { createContext, UsageError, type GlobalOptions } from './context.js';
import { runReporting } from './reporting.js';
import { runAllProjects } from './all-projects.js';
import { addOutputOptions, agentsOf, formatOf, periodOf, sinceOption, untilOption, type OutputOptions, type PeriodOptions } from './options.js';

// `agent-track report`: one report over any period. Flags become a Period
// here; everything after that is the same pipeline whatever the period.

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
      .addOption(sinceOption('first day, YYYY-MM-DD, or a span before --until such as 30d or 2w'))
      .addOption(untilOption())
      .option('--trends', 'per-day trends over the period instead of the report')
      .option('--all-projects', 'one row per project on this machine (runs, success rate, cost, top agents); see README "Reports across projects"'),
  ).action(async (_options: unknown, command: Command) => {
    process.exitCode = await runReport(command.optsWithGlobals<ReportOptions>());
  });
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
