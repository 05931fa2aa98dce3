import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { addDays, customPeriod, isoWeekOf, isoWeekPeriod, monthPeriod, previousPeriod, trailingWeek, type Period } from '../analytics/period.js';
import { buildReport } from '../analytics/report.js';
import { buildTrends } from '../analytics/trends.js';
import { sweepInFlight } from '../capture/sweep.js';
import type { ModelPrice } from '../schema/config.js';
import type { Report, Trends } from '../schema/report.js';
import type { DaySummary } from '../schema/summary.js';
import { writeFileAtomic } from '../store/atomic.js';
import { metricsDir } from '../store/paths.js';
import { listDays, type LoadIssue } from '../store/records.js';
import { daySummaryFor } from '../store/rollup.js';
import type { Document } from '../render/document.js';
import { render, type Format } from '../render/output.js';
import type { CommandContext } from './context.js';

// What `report` and `trends` share: the summaries of the days they need
// (each day loaded once per run), the metrics files every run refreshes, the
// warnings, and writing the result where it was asked for.

/** Each agent's own history for the rules: this many days before the period. */
export const BASELINE_DAYS = 28;
/** The window of metrics/performance-trends.json. */
export const TRENDS_FILE_DAYS = 30;
/** Dated weekly copies are kept current for weeks this recent (retention keeps day summaries 30 days by default). */
const DATED_COPY_DAYS = 35;

/** Day summaries on demand, each day read once per run whichever windows ask for it. */
export class SummarySource {
  private readonly days: string[];
  private readonly cache = new Map<string, DaySummary>();

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

  summaries(from: string, to: string): DaySummary[] {
    return this.days
      .filter((day) => day >= from && day <= to)
      .map((day) => {
        let summary = this.cache.get(day);
        if (!summary) this.cache.set(day, (summary = daySummaryFor(this.logsDir, day, this.now, this.onIssue)));
        return summary;
      });
  }
}

export function reportFor(source: SummarySource, period: Period, agents: string[] | null, prices: Record<string, ModelPrice>, now: number): Report {
  return buildReport({
    period,
    days: source.summaries(period.from, period.to),
    baseline: source.summaries(addDays(period.from, -BASELINE_DAYS), addDays(period.from, -1)),
    baselineDays: BASELINE_DAYS,
    agents,
    prices,
    now,
  });
}

export function trendsFor(source: SummarySource, period: Period, agents: string[] | null, prices: Record<string, ModelPrice>, now: number): Trends {
  const before = previousPeriod(period);
  return buildTrends({ period, summaries: source.summaries(before.from, period.to), agents, prices, now });
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
 * come from. The current and previous week and month are rewritten on every
 * run; older recent weeks only when missing.
 */
export function refreshMetricsFiles(ctx: CommandContext, source: SummarySource, today: string): string[] {
  const prices = ctx.config.prices;
  const dir = metricsDir(ctx.logsDir);
  const written: string[] = [];
  const write = (relative: string, value: unknown) => {
    const path = join(dir, relative);
    writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
    written.push(path);
  };
  write('weekly-report.json', reportFor(source, trailingWeek(today, today), null, prices, ctx.now));
  write('performance-trends.json', trendsFor(source, customPeriod(addDays(today, 1 - TRENDS_FILE_DAYS), today, today), null, prices, ctx.now));

  const weeks = new Set<string>();
  for (let back = 0; back <= DATED_COPY_DAYS; back += 7) weeks.add(isoWeekOf(addDays(today, -back)));
  weeks.add(isoWeekOf(addDays(today, -DATED_COPY_DAYS)));
  const recent = new Set([isoWeekOf(today), isoWeekOf(addDays(today, -7))]);
  for (const week of weeks) {
    const file = join('weekly', `${week}.json`);
    if (!recent.has(week) && isComplete(join(dir, file))) continue;
    const report = reportFor(source, isoWeekPeriod(week, today)!, null, prices, ctx.now);
    if (report.summary.totalExecutions > 0) write(file, report);
  }
  const thisMonth = today.slice(0, 7);
  const lastMonth = addDays(`${thisMonth}-01`, -1).slice(0, 7);
  for (const month of [lastMonth, thisMonth]) {
    const report = reportFor(source, monthPeriod(month, today)!, null, prices, ctx.now);
    if (report.summary.totalExecutions > 0) write(join('monthly', `${month}.json`), report);
  }
  return written;
}

function isComplete(path: string): boolean {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { range?: { complete?: unknown } }).range?.complete === true;
  } catch {
    return false;
  }
}

/** Warnings for stderr, each once, the first few in full. */
export class Warnings {
  private readonly lines = new Set<string>();
  static readonly SHOWN = 10;

  add(line: string): void {
    this.lines.add(line);
  }

  readonly issue = (issue: LoadIssue): void => this.add(`skipped ${issue.path}: ${issue.problem}`);

  flush(stderr: NodeJS.WritableStream): void {
    const all = [...this.lines];
    for (const line of all.slice(0, Warnings.SHOWN)) stderr.write(`agent-track: warning: ${line}\n`);
    if (all.length > Warnings.SHOWN) stderr.write(`agent-track: warning: ... and ${all.length - Warnings.SHOWN} more\n`);
    this.lines.clear();
  }
}

export interface Output {
  format: Format;
  out: string | undefined;
  value: unknown;
  document: () => Document;
  /** No execution in the chosen period (or none at all). */
  empty: boolean;
}

/**
 * Prints (or writes to --out) the result. When there is nothing to show, a
 * person gets one helpful line instead of a table of dashes; JSON and CSV
 * still get their (empty) data so scripts keep working.
 */
export function emit(ctx: CommandContext, source: SummarySource, output: Output, periodText: string): void {
  const toFile = output.out !== undefined;
  const human = output.format === 'table' || output.format === 'markdown';
  const width = toFile ? Infinity : ctx.stdout.isTTY ? (ctx.stdout.columns ?? 80) : Number(ctx.env.COLUMNS) || Infinity;
  let text: string;
  if (!source.hasData || (output.empty && human)) {
    const message = !source.hasData
      ? `No subagent executions recorded yet in ${ctx.logsDir}.\nStart tracking with \`agent-track install\`; reports fill in as Claude Code runs subagents.`
      : `No subagent executions from ${periodText}. Recorded days run from ${source.firstDay} to ${source.lastDay}; try --since ${source.firstDay}.`;
    if (human) text = `${message}\n`;
    else {
      ctx.stderr.write(`agent-track: ${message.replace(/\n/g, ' ')}\n`);
      text = render(output.value, output.document, output.format, { width, color: false });
    }
  } else {
    text = render(output.value, output.document, output.format, { width, color: ctx.color && !toFile });
  }
  if (toFile) {
    const path = resolve(ctx.cwd, output.out!);
    writeFileAtomic(path, text);
    ctx.stderr.write(`agent-track: wrote ${path}\n`);
  } else {
    ctx.stdout.write(text);
  }
}

