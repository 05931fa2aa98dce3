import { formatCount, formatPercent, formatSigned, formatTokens, formatUsd } from '../analytics/format.js';
import { formatElapsed } from '../time/duration.js';
import type { ProjectsTrends } from '../schema/projects-trends.js';
import type { Document } from './document.js';
import { rateTone } from './report-view.js';
import { changeText, pointsText } from './trends-view.js';

// `trends --all-projects` for a terminal: every project together, then one
// line per project with its daily runs as a sparkline and its change against
// the previous period.

export function projectsTrendsDocument(t: ProjectsTrends): Document {
  const cost = (usd: number | null) => (usd === null ? { text: 'not fully priced', tone: 'warn' as const } : formatUsd(usd));
  const { executions, previousExecutions } = t.totals;
  const change = previousExecutions ? formatSigned(Math.round(((executions - previousExecutions) / previousExecutions) * 100), '%') : executions ? 'new' : '—';
  return {
    title: `Subagent trends across projects · ${t.period}`,
    subtitle: [`compared with ${t.previousPeriod}`, t.partialDay ? `${t.partialDay} is today so far` : null, t.filter.agents ? `agents: ${t.filter.agents.join(', ')}` : null].filter(Boolean).join(' · '),
    blocks: t.projects.length
      ? [
          {
            kind: 'facts',
            items: [
              ['Projects', formatCount(t.totals.projects)],
              ['Executions', `${formatCount(executions)} (${change})`],
              ['Success', { text: formatPercent(t.totals.successRate), tone: rateTone(t.totals.successRate) }],
              ['Tokens used', formatTokens(t.totals.tokensUsed)],
              ['Cost', cost(t.totals.costUsd)],
              ['Runs/day', { spark: t.totals.series.executions, zeroBased: true }],
            ],
          },
          {
            kind: 'table',
            title: `Per project, ${t.days.length} days (${t.days[0]} → ${t.days[t.days.length - 1]})`,
            columns: [
              { header: 'Project', flex: true },
              { header: 'Runs', align: 'right' },
              { header: 'vs prev', label: 'Runs vs prev', align: 'right', priority: 3 },
              { header: 'Runs/day' },
              { header: 'Success', align: 'right' },
              { header: 'vs prev', label: 'Success vs prev', align: 'right', priority: 4 },
              { header: 'p50', align: 'right', priority: 2 },
              { header: 'Cost', align: 'right', priority: 1 },
              { header: 'Top agents', priority: 5 },
            ],
            rows: t.projects.map((p) => [
              p.project,
              formatCount(p.current.executions),
              changeText(p, 'executions'),
              { spark: p.series.executions, zeroBased: true },
              { text: formatPercent(p.current.successRate), tone: rateTone(p.current.successRate) },
              pointsText(p),
              formatElapsed(p.current.p50Duration),
              cost(p.current.costUsd),
              p.topAgents.map((a) => `${a.agent} ${formatCount(a.executions)}`).join(', '),
            ]),
          },
        ]
      : [{ kind: 'lines', items: [{ text: 'No project with a logs folder found: run `agent-track install` or `agent-track import --all-projects`.' }] }],
    notes: [],
    csv: csvOf(t),
  };
}

/** One row per day and project, and the "(all)" total of each day: the per-project series. */
function csvOf(t: ProjectsTrends): Document['csv'] {
  const rows: Document['csv']['rows'] = [];
  t.days.forEach((day, i) => {
    const partial = String(day === t.partialDay);
    const s = t.totals.series;
    rows.push([day, '(all)', s.executions[i]!, s.successRate[i]!, null, s.tokensUsed[i]!, s.costUsd[i]!, partial]);
    for (const p of t.projects) rows.push([day, p.project, p.series.executions[i]!, p.series.successRate[i]!, p.series.p50Duration[i]!, p.series.tokensUsed[i]!, p.series.costUsd[i]!, partial]);
  });
  return { columns: ['day', 'project', 'executions', 'successRate', 'p50DurationMs', 'tokensUsed', 'costUsd', 'partialDay'], rows };
}
