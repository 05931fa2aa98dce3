import type { DayFigures, DaySummary, DayWorkflows } from '../schema/summary.js';
import type { SessionFigures } from '../schema/session.js';
import { localDay } from '../time/period.js';
import { listDays, type LoadIssue } from '../store/records.js';
import { loadSessionFigures, type DatedSession } from '../store/sessions.js';
import { loadDay, wholeSummary, type LoadedDay } from './day-rollup.js';
import { rebuildDays } from './workers.js';

// The period loader: the day summaries a run needs, each day loaded once
// whichever windows (the period, its baseline, the metrics files) ask for it.

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
      const peeked = day < today ? loadDay(this.logsDir, day, { now: this.now, onIssue: this.onIssue, from: 'rollup' }) : null;
      if (peeked) this.figures.set(day, peeked.figures);
      else pending.push(day);
    }
    const closed = pending.filter((day) => day < today);
    for (const [day, loaded] of await rebuildDays(this.logsDir, closed, { now: this.now, onIssue: this.onIssue })) this.keep(day, loaded);
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
      return wholeSummary(this.figures.get(day)!, this.workflows.get(day) ?? null);
    });
  }

  private inRange(from: string, to: string): string[] {
    return this.days.filter((day) => day >= from && day <= to);
  }

  private load(day: string, withWorkflows: boolean): LoadedDay {
    // Skipped files are reported once per run, by the first load of a day.
    const seen = this.figures.has(day);
    const loaded = loadDay(this.logsDir, day, { now: this.now, onIssue: seen ? () => {} : this.onIssue, workflows: withWorkflows });
    this.keep(day, loaded, withWorkflows);
    return loaded;
  }

  private keep(day: string, loaded: LoadedDay, withWorkflows = false): void {
    if (loaded.rebuilt) this.rebuilt.add(day);
    if (!this.figures.has(day) || loaded.rebuilt) this.figures.set(day, loaded.figures);
    if (withWorkflows || loaded.workflows) this.workflows.set(day, loaded.workflows);
  }
}

