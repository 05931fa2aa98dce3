import { addDays, periodText, previousPeriod, type Period, localDay } from '../time/period.js';
import { suggestAgents } from '../analytics/agent-names.js';
import { listInFlight, sweepInFlight } from '../capture/sweep.js';
import type { Status } from '../schema/status.js';
import { writeFileAtomic } from '../store/atomic.js';
import { metricsWindowStart, refreshMetricsFiles } from '../rollup/metrics-files.js';
import { BASELINE_DAYS, Reporter, reportOf } from '../rollup/reporter.js';
import { dayReader, loadStatus, type DayReader } from '../rollup/status-source.js';
import { SummarySource } from '../rollup/summary-source.js';
import type { Document } from '../render/document.js';
import { reportDocument } from '../render/report-view.js';
import { trendsDocument } from '../render/trends-view.js';
import { Warnings } from '../render/warnings.js';
import { render, type Format } from '../render/output.js';
import { outFile, type CommandContext } from './context.js';

// What a reporting command needs beyond its flags: run the pipeline (sweep
// in-flight runs, load the days through rollup/, build the result, refresh
// the metrics files) and emit the result, with the warnings on stderr.

export interface ReportingRequest {
  kind: 'report' | 'trends';
  period: Period;
  agents: string[] | null;
  format: Format;
  out: string | undefined;
}

/**
 * One run of `report` or `trends`, whatever the period: sweep in-flight
 * runs, load the days it needs (rebuilding stale rollups), print the result,
 * refresh the metrics files, and report warnings on stderr.
 */
export async function runReporting(ctx: CommandContext, request: ReportingRequest): Promise<number> {
  const today = localDay(ctx.now);
  // Checked before any work, so a mistyped path costs nothing.
  const out = request.out === undefined ? undefined : outFile(ctx.cwd, request.out);
  const warnings = new Warnings();
  sweep(ctx, warnings);
  const { period, agents } = request;
  const source = new SummarySource(ctx.logsDir, ctx.now, warnings.issuesWithin(period.from, period.to));
  const reporter = new Reporter(source, ctx.config.prices, ctx.now);
  const first = request.kind === 'trends' ? previousPeriod(period).from : addDays(period.from, -BASELINE_DAYS);
  await source.prefetch([first, metricsWindowStart(today)].sort()[0]!, [period.to, today].sort()[1]!);

  let output: Output;
  if (request.kind === 'trends') {
    const trends = reporter.trendsOf(period, agents);
    output = {
      value: trends,
      document: () => trendsDocument(trends),
      empty: trends.overall.current.executions === 0,
      warnings: trends.warnings,
      agentsInPeriod: () => reporter.trendsOf(period, null).agents.filter((a) => a.current.executions > 0).map((a) => ({ agent: a.agent, executions: a.current.executions })),
    };
  } else {
    const report = reportOf(ctx.logsDir, reporter, period, agents);
    output = {
      value: report,
      document: () => reportDocument(report),
      empty: report.summary.totalExecutions === 0,
      warnings: report.warnings,
      agentsInPeriod: () => reporter.report(period, null).agentMetrics.map((a) => ({ agent: a.agent, executions: a.executions })),
    };
  }
  output.warnings.forEach((w) => warnings.add(w));
  emit(ctx, source, { format: request.format, out }, output, periodText(period), agents);
  if (source.hasData) {
    try {
      refreshMetricsFiles(ctx.logsDir, reporter, today);
    } catch (error) {
      warnings.add(`could not update the metrics files: ${(error as Error).message}`);
    }
  }
  warnings.flush(ctx.stderr);
  return 0;
}

/** Runs the design document promises to close: every command sweeps in-flight runs first. */
export function sweep(ctx: CommandContext, warnings: Warnings): void {
  const result = sweepInFlight(ctx.logsDir, ctx.config, ctx.now);
  for (const error of result.errors) warnings.add(`could not close an in-flight run: ${error}`);
}

/** The status (status, check, dashboard): in-flight runs swept first, as every command does before reading. */
export async function collectStatus(ctx: CommandContext, warnings: Warnings, readDay: DayReader = dayReader(ctx.logsDir, ctx.now, warnings.issue)): Promise<{ status: Status; hasData: boolean }> {
  sweep(ctx, warnings);
  const active = listInFlight(ctx.logsDir, ctx.config, ctx.now);
  return loadStatus({ logsDir: ctx.logsDir, config: ctx.config, now: ctx.now, active, onIssue: warnings.issue, readDay, warnings: () => warnings.list() });
}

interface Output {
  value: unknown;
  document: () => Document;
  /** No execution in the chosen period (or none at all). */
  empty: boolean;
  warnings: string[];
  /** The agents with runs in the period, whatever --agent asked for. */
  agentsInPeriod: () => { agent: string; executions: number }[];
}

const AGENTS_SUGGESTED = 8;

/**
 * Why a period came out empty. When --agent matched nothing but other agents
 * ran, --since would not help: name the agents that did run, closest first.
 */
export function emptyMessage(periodText: string, firstDay: string | null, lastDay: string | null, agents: readonly string[] | null, inPeriod: () => { agent: string; executions: number }[]): string {
  const ran = agents ? inPeriod() : [];
  if (!agents || ran.length === 0) {
    return `No subagent executions from ${periodText}. Recorded days run from ${firstDay} to ${lastDay}; try --since ${firstDay}.`;
  }
  const runs = new Map(ran.map((a) => [a.agent, a.executions]));
  const { caseMatches, close } = suggestAgents(agents, [...runs.keys()]);
  const quoted = agents.map((a) => `"${a}"`).join(', ');
  const lines = [`No runs of ${quoted} from ${periodText}, though ${ran.length === 1 ? '1 agent' : `${ran.length} agents`} ran then.`];
  for (const m of caseMatches) lines.push(`Did you mean --agent "${m.recorded}"? Agent names are case-sensitive.`);
  // Close names first, then the busiest.
  const rest = [...ran].sort((a, b) => b.executions - a.executions || (a.agent < b.agent ? -1 : 1)).map((a) => a.agent).filter((a) => !close.includes(a));
  const listed = [...close, ...rest];
  const shown = listed.slice(0, AGENTS_SUGGESTED).map((a) => `${a} (${runs.get(a)})`);
  const more = listed.length - shown.length;
  lines.push(`Agents with runs in that period, ${close.length ? 'closest first' : 'most runs first'}: ${shown.join(', ')}${more > 0 ? `, and ${more} more` : ''}.`);
  return lines.join('\n');
}

/**
 * Prints (or writes to --out) the result. When there is nothing to show, a
 * person gets one helpful line instead of a table of dashes; JSON and CSV
 * still get their (empty) data so scripts keep working.
 */
function emit(
  ctx: CommandContext,
  source: SummarySource,
  /** `out`: the absolute path to write to, checked by outFile. */
  request: Pick<ReportingRequest, 'format' | 'out'>,
  output: Output,
  periodText: string,
  agents: readonly string[] | null,
): void {
  const toFile = request.out !== undefined;
  const human = request.format === 'table' || request.format === 'markdown';
  const width = toFile ? Infinity : ctx.width;
  let text: string;
  if (source.hasData && output.empty && !human && agents) {
    // Scripts still get their (empty) data; the person running them learns why.
    const message = emptyMessage(periodText, source.firstDay, source.lastDay, agents, output.agentsInPeriod);
    ctx.stderr.write(`agent-track: ${message.replace(/\n/g, ' ')}\n`);
    text = render(output.value, output.document, request.format, { width, color: false });
  } else if (!source.hasData || (output.empty && human)) {
    const message = !source.hasData
      ? `No subagent executions recorded yet in ${ctx.logsDir}.\nStart tracking with \`agent-track install\`; reports fill in as Claude Code runs subagents.`
      : emptyMessage(periodText, source.firstDay, source.lastDay, agents, output.agentsInPeriod);
    if (human) text = `${message}\n`;
    else {
      ctx.stderr.write(`agent-track: ${message.replace(/\n/g, ' ')}\n`);
      text = render(output.value, output.document, request.format, { width, color: false });
    }
  } else {
    text = render(output.value, output.document, request.format, { width, color: ctx.color && !toFile });
  }
  if (toFile) {
    const path = request.out!;
    writeFileAtomic(path, text);
    ctx.stderr.write(`agent-track: wrote ${path}\n`);
  } else {
    ctx.stdout.write(text);
  }
}

