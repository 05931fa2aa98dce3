import { dailySummaries, recentExecutions } from '../../src/analytics/dashboard.js';
import { summarizeDay } from '../../src/analytics/day-summary.js';
import { customPeriod, localDay } from '../../src/time/period.js';
import { buildReport } from '../../src/analytics/report.js';
import { buildStatus } from '../../src/analytics/status.js';
import { buildTrends } from '../../src/analytics/trends.js';
import type { DashboardData } from '../../src/schema/dashboard.js';
import type { AgentExecution } from '../../src/schema/record.js';
import { packRecent, PROMPT_SHOWN, type RecentRun } from '../../src/dashboard/recent-pack.js';
import { runDetail } from '../../src/analytics/runs.js';

/** The table rows and their details as the command builds them (no transcripts: none exist for hand-made records). */
export function recentRuns(records: AgentExecution[], promptShown = PROMPT_SHOWN): RecentRun[] {
  const byId = new Map(records.map((r) => [r.id, r]));
  return recentExecutions(records).map((row) => ({ row, detail: runDetail(byId.get(row.id)!, {}, { timelineRoom: 40, promptShown, transcriptPath: null }) }));
}

/** The dashboard's data for hand-made records, from the same pure builders the command uses. */
export function sampleData(records: AgentExecution[], from: string, to: string, now: number, project = 'shop-api'): DashboardData {
  const byDay = new Map<string, AgentExecution[]>();
  for (const r of records) byDay.set(localDay(r.metrics.startTime), [...(byDay.get(localDay(r.metrics.startTime)) ?? []), r]);
  const days = [...byDay].sort(([a], [b]) => (a < b ? -1 : 1)).map(([day, list]) => summarizeDay(day, list));
  const today = localDay(now);
  const period = customPeriod(from, to, today);
  const report = buildReport({ period, days, baseline: [], baselineDays: 28, agents: null, prices: {}, now });
  return {
    schemaVersion: 1,
    kind: 'agent-track/dashboard',
    generatedAt: new Date(now).toISOString(),
    version: '0.0.0-test',
    project,
    recordedDays: days.length ? { first: days[0]!.day, last: days[days.length - 1]!.day } : null,
    report,
    trends: buildTrends({ period, summaries: days, agents: null, prices: {}, now, today }),
    daily: dailySummaries(period, days, {}, today, now),
    recent: packRecent({ days: days.slice(-2).map((d) => d.day), total: records.length, promptShown: PROMPT_SHOWN, runs: recentRuns(records) }),
    status: buildStatus({ now, active: [], history: days, records }),
  };
}
