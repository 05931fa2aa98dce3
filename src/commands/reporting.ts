import { join, relative, sep } from 'node:path';
import { addDays, customPeriod, isoWeekOf, isoWeekPeriod, monthPeriod, periodText, previousPeriod, trailingWeek, type Period } from '../time/period.js';
import { buildReport } from '../analytics/report.js';
import { suggestAgents } from '../analytics/agent-names.js';
import { buildTrends } from '../analytics/trends.js';
import { sweepInFlight } from '../capture/sweep.js';
import type { ModelPrice } from '../schema/config.js';
import type { Report, Trends } from '../schema/report.js';
import type { DayFigures, DaySummary, DayWorkflows } from '../schema/summary.js';
import { writeFileAtomic } from '../store/atomic.js';
import { coversAsMuch, datedReportPathOf, readFinishedReport } from '../store/dated-reports.js';
import { DAY_NAME, localDay, metricsDir } from '../store/paths.js';
import { listDays, type LoadIssue } from '../store/records.js';
import { loadDay, peekDay, type LoadedDay } from '../store/rollup.js';
import { loadSessionFigures, type DatedSession } from '../store/sessions.js';
import type { SessionFigures } from '../schema/session.js';
import { rebuildDays } from '../store/rollup-workers.js';
import type { Document } from '../render/document.js';
import { printable } from '../render/sanitize.js';
import { reportDocument } from '../render/report-view.js';
import { trendsDocument } from '../render/trends-view.js';
import { render, type Format } from '../render/output.js';
import { outFile, type CommandContext } from './context.js';

// The one reporting pipeline behind `report` and `trends`: the summaries of
// the days a run needs (each loaded once), the result computed once however
// many outputs want it, the metrics files every run refreshes, the warnings,
// and writing the result where it was asked for.

/** Each agent's own history for the rules: this many days before the period. */
const BASELINE_DAYS = 28;
/** The window of metrics/performance-trends.json. */
const TRENDS_FILE_DAYS = 30;
/** Dated weekly copies are kept current for weeks this recent (retention keeps day summaries 30 days by default). */
const DATED_COPY_DAYS = 35;

/** Day summaries on demand, each day read once per run whichever windows ask for it. */
export class SummarySource {
  private readonly days: string[];
  private readonly figures = new Map<string, DayFigures>();
  private readonly workflows = new Map<string, DayWorkflows | null>();
  /** Days built from their records in this run (today always is). */
  readonly rebuilt = new Set<string>();

  constructor(
    private readonly logsDir: string,
    private readonly now: number,
    private readonly onIssue: (issue: LoadIssue) => void,
  ) {
    this.days = listDays(logsDir);
  }

  get hasData(): boolean {
    return this.days.length > 0;
  }

  get firstDay(): string | null {
    return this.days[0] ?? null;
  }

  get lastDay(): string | null {
    return this.days[this.days.length - 1] ?? null;
  }

  /**
   * Loads the figures of every day from `from` to `to` up front, rebuilding
   * the stale or missing rollups among them in parallel (see rollup-workers).
   */
  async prefetch(from: string, to: string): Promise<void> {
    const today = localDay(this.now);
    const pending: string[] = [];
    for (const day of this.inRange(from, to)) {
      if (this.figures.has(day)) continue;
      const peeked = day < today ? peekDay(this.logsDir, day, this.now, this.onIssue, false) : null;
      if (peeked) this.figures.set(day, peeked.figures);
      else pending.push(day);
    }
    const closed = pending.filter((day) => day < today);
    for (const [day, loaded] of await rebuildDays(this.logsDir, closed, this.now, this.onIssue, false)) this.keep(day, loaded);
    for (const day of pending.filter((d) => d >= today)) this.load(day, false);
  }

  /** Figures of the days from `from` to `to` that have a folder. */
  figuresOf(from: string, to: string): DayFigures[] {
    return this.inRange(from, to).map((day) => this.figures.get(day) ?? this.load(day, false).figures);
  }

  /** Main-thread figures of the sessions begun from `from` to `to` (sessions/*.json, read once per run). */
  sessionsOf(from: string, to: string): SessionFigures[] {
    return this.datedSessionsOf(from, to).map((s) => s.figures);
  }

  datedSessionsOf(from: string, to: string): DatedSession[] {
    this.sessions ??= loadSessionFigures(this.logsDir, this.onIssue);
    return this.sessions.filter((s) => s.day >= from && s.day <= to);
  }

  private sessions: DatedSession[] | null = null;

  /** Whole summaries (figures and workflows) of the days from `from` to `to`. */
  summaries(from: string, to: string): DaySummary[] {
    return this.inRange(from, to).map((day) => {
      if (!this.workflows.has(day)) this.load(day, true);
      return { ...this.figures.get(day)!, ...(this.workflows.get(day) ?? { workflows: {}, openPrompts: [] }) };
    });
  }

  private inRange(from: string, to: string): string[] {
    return this.days.filter((day) => day >= from && day <= to);
  }

  private load(day: string, withWorkflows: boolean): LoadedDay {
    // Skipped files are reported once per run, by the first load of a day.
    const seen = this.figures.has(day);
    const loaded = loadDay(this.logsDir, day, this.now, seen ? () => {} : this.onIssue, withWorkflows);
    this.keep(day, loaded, withWorkflows);
    return loaded;
  }

  private keep(day: string, loaded: LoadedDay, withWorkflows = false): void {
    if (loaded.rebuilt) this.rebuilt.add(day);
    if (!this.figures.has(day) || loaded.rebuilt) this.figures.set(day, loaded.figures);
    if (withWorkflows || loaded.workflows) this.workflows.set(day, loaded.workflows);
  }
}

/** Reports and trends of one run, each computed once however many outputs want it. */
export class Reporter {
  private readonly reports = new Map<string, Report>();
  private readonly trends = new Map<string, Trends>();

  constructor(
    readonly source: SummarySource,
    private readonly prices: Record<string, ModelPrice>,
    private readonly now: number,
  ) {}

  report(period: Period, agents: string[] | null): Report {
    const key = JSON.stringify([period, agents]);
    let report = this.reports.get(key);
    if (!report) {
      report = buildReport({
        period,
        days: this.source.summaries(period.from, period.to),
        baseline: this.source.figuresOf(addDays(period.from, -BASELINE_DAYS), addDays(period.from, -1)),
        baselineDays: BASELINE_DAYS,
        agents,
        prices: this.prices,
        now: this.now,
        sessions: this.source.sessionsOf(period.from, period.to),
      });
      this.reports.set(key, report);
    }
    return report;
  }

  trendsOf(period: Period, agents: string[] | null): Trends {
    const key = JSON.stringify([period, agents]);
    let trends = this.trends.get(key);
    if (!trends) {
      const before = previousPeriod(period);
      trends = buildTrends({
        period,
        summaries: this.source.figuresOf(before.from, period.to),
        agents,
        prices: this.prices,
        now: this.now,
        today: localDay(this.now),
        sessions: this.source.datedSessionsOf(period.from, period.to),
      });
      this.trends.set(key, trends);
    }
    return trends;
  }
}

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
      refreshMetricsFiles(ctx, reporter, today);
    } catch (error) {
      warnings.add(`could not update the metrics files: ${(error as Error).message}`);
    }
  }
  warnings.flush(ctx.stderr);
  return 0;
}

/**
 * The report of the period; for a finished ISO week or month some of whose
 * day folders retention has removed since, the dated report written before
 * they went, which still counts them (or, filtered by agent, the partial
 * figures with a warning naming that report).
 */
function reportOf(logsDir: string, reporter: Reporter, period: Period, agents: string[] | null): Report {
  const live = reporter.report(period, agents);
  const path = datedReportPathOf(logsDir, period);
  const stored = path ? readFinishedReport(path) : null;
  if (!stored) return live;
  const whole = reporter.report(period, null);
  if (coversAsMuch(stored.coverage, whole)) return live;
  const file = relative(logsDir, stored.path).split(sep).join('/');
  const { daysWithData, totalExecutions } = stored.coverage;
  const gone = daysWithData - whole.dataQuality.daysWithData;
  const lost =
    gone > 0
      ? `${gone} of the ${daysWithData} days it counts no longer ${gone === 1 ? 'has a day folder' : 'have day folders'} (removed by retention)`
      : `the day folders left count ${whole.summary.totalExecutions} of its ${totalExecutions} executions`;
  if (agents === null && stored.report) {
    return { ...stored.report, warnings: [...stored.report.warnings, `shown from ${file}, written ${stored.report.generatedAt}: ${lost}`] };
  }
  const why = agents === null ? 'it could not be read whole' : 'it is not broken down by --agent';
  return { ...live, warnings: [...live.warnings, `partial figures: ${file} counts ${totalExecutions} executions, but ${lost}; ${why}`] };
}

/** The first day the metrics files need (with baselines), so one prefetch covers the whole run. */
export function metricsWindowStart(today: string): string {
  const lastMonth = `${addDays(`${today.slice(0, 7)}-01`, -1).slice(0, 7)}-01`;
  const oldestWeek = isoWeekPeriod(isoWeekOf(addDays(today, -DATED_COPY_DAYS)), today)!.from;
  const earliest = [lastMonth, oldestWeek, addDays(today, 1 - 2 * TRENDS_FILE_DAYS)].sort()[0]!;
  return addDays(earliest, -BASELINE_DAYS);
}

/** Runs the design document promises to close: every command sweeps in-flight runs first. */
export function sweep(ctx: CommandContext, warnings: Warnings): void {
  const result = sweepInFlight(ctx.logsDir, ctx.config, ctx.now);
  for (const error of result.errors) warnings.add(`could not close an in-flight run: ${error}`);
}

/**
 * metrics/weekly-report.json and metrics/performance-trends.json (the design
 * document's files), plus dated copies metrics/weekly/YYYY-Www.json (ISO
 * week) and metrics/monthly/YYYY-MM.json that outlive the day summaries they
 * come from. A dated copy is rewritten while its period runs or when it is
 * missing. A finished period's copy is rewritten only to take in a change to
 * one of its days (a day rebuilt in this run), and only while it would still
 * count everything it counted (see coversAsMuch).
 */
function refreshMetricsFiles(ctx: CommandContext, reporter: Reporter, today: string): void {
  const dir = metricsDir(ctx.logsDir);
  const write = (relative: string, value: unknown) => writeFileAtomic(join(dir, relative), `${JSON.stringify(value, null, 2)}\n`, { within: ctx.logsDir });
  write('weekly-report.json', reporter.report(trailingWeek(today, today), null));
  write('performance-trends.json', reporter.trendsOf(customPeriod(addDays(today, 1 - TRENDS_FILE_DAYS), today, today), null));

  const dated = (relative: string, period: Period) => {
    const path = join(dir, relative);
    const stored = readFinishedReport(path);
    const touched = [...reporter.source.rebuilt].some((day) => day >= period.from && day <= period.to);
    if (stored && !touched) return;
    const report = reporter.report(period, null);
    if (report.summary.totalExecutions === 0) return;
    // A finished report outlives its day folders: rebuilt after one of them went, it would count only the days left.
    if (stored && !coversAsMuch(stored.coverage, report)) return;
    write(relative, report);
  };
  const weeks = new Set<string>();
  for (let back = 0; back <= DATED_COPY_DAYS; back += 7) weeks.add(isoWeekOf(addDays(today, -back)));
  for (const week of [...weeks].sort()) dated(join('weekly', `${week}.json`), isoWeekPeriod(week, today)!);
  const thisMonth = today.slice(0, 7);
  const lastMonth = addDays(`${thisMonth}-01`, -1).slice(0, 7);
  for (const month of [lastMonth, thisMonth]) dated(join('monthly', `${month}.json`), monthPeriod(month, today)!);
}

/** Warnings for stderr, each once, the first few in full. */
export class Warnings {
  private readonly lines = new Set<string>();
  static readonly SHOWN = 10;

  add(line: string): void {
    this.lines.add(line);
  }

  readonly issue = (issue: LoadIssue): void => this.add(`skipped ${issue.path}: ${issue.problem}`);

  private elsewhere = 0;

  /**
   * A sink that names the skipped files of days from `from` to `to`, and only
   * counts the others: a report also reads the weeks before its period (for
   * baselines) and the metrics files' days, and their files are not this
   * report's news.
   */
  issuesWithin(from: string, to: string): (issue: LoadIssue) => void {
    return (issue) => {
      const day = issue.path.split(/[\\/]/).find((part) => DAY_NAME.test(part));
      if (day === undefined || (day >= from && day <= to)) this.issue(issue);
      else this.elsewhere++;
    };
  }

  /** The warnings so far, for results that carry them in their JSON too. */
  list(): string[] {
    return [...this.lines];
  }

  flush(stderr: NodeJS.WritableStream): void {
    if (this.elsewhere) this.add(`${this.elsewhere} unreadable file(s) in days outside this period were skipped too (a report over those days names them)`);
    this.elsewhere = 0;
    const all = [...this.lines];
    // Warnings quote model ids and paths from the records; they reach a terminal too.
    for (const line of all.slice(0, Warnings.SHOWN)) stderr.write(`agent-track: warning: ${printable(line)}\n`);
    if (all.length > Warnings.SHOWN) stderr.write(`agent-track: warning: ... and ${all.length - Warnings.SHOWN} more\n`);
    this.lines.clear();
  }
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
  const width = toFile ? Infinity : ctx.stdout.isTTY ? (ctx.stdout.columns ?? 80) : Number(ctx.env.COLUMNS) || Infinity;
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

