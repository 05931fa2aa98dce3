import { formatCount, formatPercent, formatRatio, formatSigned, formatTokens, formatUsd } from '../analytics/format.js';
import { formatElapsed } from '../time/duration.js';
import { round } from '../analytics/stats.js';
import type { Anomaly, TrendLine, Trends } from '../schema/report.js';
import type { Cell, Document, Table } from './document.js';
import { rateTone } from './report-view.js';

// Trends for a terminal: one line per agent with its daily series as
// sparklines and the change against the previous period, then anomalies.

const ANOMALIES_SHOWN = 10;

/** The per-agent trends table: sparklines go first when the terminal is narrow, the agent name last. */
export const TRENDS_COLUMNS: Table['columns'] = [
  { header: 'Agent', flex: true },
  { header: 'Runs', align: 'right' },
  { header: 'vs prev', label: 'Runs vs prev', align: 'right', priority: 3 },
  { header: 'Runs/day' },
  { header: 'Success', align: 'right' },
  { header: 'vs prev', label: 'Success vs prev', align: 'right', priority: 4 },
  { header: 'Success/day', priority: 6 },
  { header: 'p50', align: 'right', priority: 2 },
  { header: 'vs prev', label: 'p50 vs prev', align: 'right', priority: 5 },
  { header: 'p50/day', priority: 7 },
  { header: 'Runs/day slope', align: 'right', priority: 8 },
];

export function trendsDocument(trends: Trends): Document {
  const o = trends.overall;
  const doc: Document = {
    title: `Subagent trends · ${trends.period}`,
    subtitle: [
      `compared with ${trends.previousPeriod}`,
      trends.partialDay ? `${trends.partialDay} is today so far: not in slopes or day anomalies` : null,
      trends.filter.agents ? `agents: ${trends.filter.agents.join(', ')}` : null,
    ]
      .filter(Boolean)
      .join(' · '),
    blocks: [],
    notes: [...trends.warnings],
    csv: csvOf(trends),
  };
  doc.blocks.push({
    kind: 'facts',
    items: [
      ['Executions', `${formatCount(o.current.executions)} (${changeText(o, 'executions')})`],
      ['Success', { text: `${formatPercent(o.current.successRate)} (${pointsText(o)})`, tone: rateTone(o.current.successRate) }],
      ['p50', `${formatElapsed(o.current.p50Duration)} (${changeText(o, 'p50Duration')})`],
      ['Tokens used', formatTokens(o.current.tokensUsed)],
      ['Cost', o.current.costUsd === null ? { text: 'not fully priced', tone: 'warn' } : formatUsd(o.current.costUsd)],
      ['Runs/day', { spark: o.series.executions, zeroBased: true }],
      ...(trends.sessions ? [['Subagent token share/day', { spark: trends.sessions.tokenShare, zeroBased: true }] as [string, Cell]] : []),
    ],
  });
  if (trends.agents.length) {
    doc.blocks.push({
      kind: 'table',
      title: `Per agent, ${trends.days.length} days (${trends.days[0]} → ${trends.days[trends.days.length - 1]}${trends.partialDay ? ', today so far' : ''})`,
      columns: TRENDS_COLUMNS,
      rows: trends.agents.map((a) => [
        a.agent,
        formatCount(a.current.executions),
        changeText(a, 'executions'),
        { spark: a.series.executions, zeroBased: true },
        { text: formatPercent(a.current.successRate), tone: rateTone(a.current.successRate) },
        pointsText(a),
        { spark: a.series.successRate },
        formatElapsed(a.current.p50Duration),
        changeText(a, 'p50Duration'),
        { spark: a.series.p50Duration },
        a.slope.executions === null ? '—' : formatSigned(a.slope.executions, '/day', 2),
      ]),
    });
  }
  if (trends.anomalies.length) {
    doc.blocks.push({
      kind: 'lines',
      title: 'Anomalies (far outside the agent’s own usual range)',
      items: trends.anomalies.slice(0, ANOMALIES_SHOWN).map((a) => ({ text: { text: anomalyText(a), tone: 'warn' } })),
      note: trends.anomalies.length > ANOMALIES_SHOWN ? `${trends.anomalies.length - ANOMALIES_SHOWN} more in --format json` : undefined,
    });
  }
  return doc;
}

export function changeText(line: TrendLine, metric: 'executions' | 'p50Duration'): string {
  const change = line.change[metric];
  if (change.percent !== null) return formatSigned(change.percent, '%');
  if (change.previous === 0 && change.current) return 'new';
  return '—';
}

export function pointsText(line: TrendLine): string {
  const delta = line.change.successRate.delta;
  return delta === null ? '—' : formatSigned(delta, ' pts', 1);
}

function anomalyText(a: Anomaly): string {
  const times = a.scale === 'log' ? `${formatRatio(round(a.value / Math.max(1, a.median), 1))} its median` : `${Math.abs(a.score).toFixed(1)} spreads ${a.score > 0 ? 'above' : 'below'} its median`;
  switch (a.metric) {
    case 'duration':
      return `${a.day} ${a.agent}: execution ${a.executionId} took ${formatElapsed(a.value)} (median ${formatElapsed(a.median)}; ${times})`;
    case 'executions':
      return `${a.day} ${a.agent}: ${formatCount(a.value)} runs (median ${formatCount(Math.round(a.median))}/day; ${times})`;
    case 'successRate':
      return `${a.day} ${a.agent}: ${formatPercent(a.value)} success (median ${formatPercent(a.median)}; ${times})`;
    case 'p50Duration':
      return `${a.day} ${a.agent}: p50 ${formatElapsed(a.value)} (median day ${formatElapsed(a.median)}; ${times})`;
  }
}

function csvOf(trends: Trends): Document['csv'] {
  const rows: Document['csv']['rows'] = [];
  const lines: [string, TrendLine][] = [['(all)', trends.overall], ...trends.agents.map((a): [string, TrendLine] => [a.agent, a])];
  trends.days.forEach((day, i) => {
    for (const [agent, line] of lines) {
      const s = line.series;
      rows.push([day, agent, s.executions[i]!, s.successRate[i]!, s.p50Duration[i]!, s.tokensUsed[i]!, s.costUsd[i]!, String(day === trends.partialDay)]);
    }
  });
  return { columns: ['day', 'agent', 'executions', 'successRate', 'p50DurationMs', 'tokensUsed', 'costUsd', 'partialDay'], rows };
}
