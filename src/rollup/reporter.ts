import { relative, sep } from 'node:path';
import { buildReport } from '../analytics/report.js';
import { buildTrends } from '../analytics/trends.js';
import type { ModelPrice } from '../schema/config.js';
import type { Report, Trends } from '../schema/report.js';
import { localDay, addDays, previousPeriod, type Period } from '../time/period.js';
import { coversAsMuch, datedReportPathOf, readFinishedReport } from './dated-reports.js';
import type { SummarySource } from './summary-source.js';

// The report builder: reports and trends of one run from its period loader,
// each computed once however many outputs (the command's, the metrics files,
// the dashboard) want it.

/** Each agent's own history for the rules: this many days before the period. */
export const BASELINE_DAYS = 28;

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

/**
 * The report of the period; for a finished ISO week or month some of whose
 * day folders retention has removed since, the dated report written before
 * they went, which still counts them (or, filtered by agent, the partial
 * figures with a warning naming that report).
 */
export function reportOf(logsDir: string, reporter: Reporter, period: Period, agents: string[] | null): Report {
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

