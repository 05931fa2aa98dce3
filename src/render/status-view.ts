import { formatCount, formatPercent, formatTokens, formatUsd } from '../analytics/format.js';
import { formatElapsed } from '../time/duration.js';
import type { BudgetState } from '../schema/budgets.js';
import type { HealthStatus, Status } from '../schema/status.js';
import type { StatusProjects } from '../schema/status-projects.js';
import type { Cell, Document, Tone } from './document.js';
import { sessionShareBlock } from './session-share-view.js';
import { localClockTime, localDateTime } from '../time/local.js';
import { localDay } from '../time/period.js';

// The live status as a person reads it at a terminal: what runs now and when
// it should be done, the last 24 hours, then every agent's health with the
// reason for it. Times are local clock times.

const ERRORS_SHOWN = 5;
const HEALTH_TONE: Record<HealthStatus, Tone> = { healthy: 'good', degraded: 'warn', failed: 'bad' };

export interface StatusViewOptions {
  /** Shown under the title, e.g. "refreshing every 2 s · Ctrl-C to stop". */
  note?: string;
}

export function statusDocument(status: Status, options: StatusViewOptions = {}): Document {
  const now = Date.parse(status.generatedAt);
  const doc: Document = {
    title: 'Subagent status',
    subtitle: [`as of ${clock(now, now, true)}`, options.note].filter(Boolean).join(' · '),
    blocks: [],
    notes: [...status.warnings],
    csv: { columns: [], rows: [] },
  };

  const active = status.activeAgents;
  if (active.length === 0) {
    doc.blocks.push({ kind: 'lines', title: 'Running now', items: [{ text: { text: 'Nothing running.', tone: 'dim' } }] });
  } else {
    doc.blocks.push({
      kind: 'table',
      title: `Running now (${active.length})`,
      columns: [
        { header: 'Agent', flex: true },
        { header: 'Started' },
        { header: 'Running', align: 'right' },
        { header: 'Expected done', priority: 1 },
        { header: 'Usually takes', align: 'right', priority: 2 },
        { header: 'Session', priority: 3 },
      ],
      rows: active.map((a): Cell[] => [
        a.background ? `${a.agentType} (background)` : a.agentType,
        clock(Date.parse(a.startTime), now, true),
        formatElapsed(a.runningFor),
        expected(a.estimatedCompletion, a.overdue, now),
        formatElapsed(a.typicalDuration),
        a.sessionId.slice(0, 8),
      ]),
    });
  }

  const day = status.last24Hours;
  doc.blocks.push({
    kind: 'facts',
    title: 'Last 24 hours',
    items: [
      ['Executions', formatCount(day.executionCount)],
      ['Succeeded', formatCount(day.succeeded)],
      ['Partial', formatCount(day.partial)],
      ['Failed', { text: formatCount(day.failed), tone: day.failed ? 'bad' : undefined }],
      ['Avg response', formatElapsed(day.avgResponseTime)],
      ['Error rate', { text: formatPercent(day.errorRate), tone: errorTone(day.errorRate, status.thresholds.degradedErrorRate) }],
    ],
  });
  if (status.sessions) doc.blocks.push(sessionShareBlock(status.sessions, 'in the last 24 hours of their sessions'));
  if (day.topErrors.length) {
    doc.blocks.push({
      kind: 'table',
      title: 'Top errors',
      columns: [
        { header: 'Error' },
        { header: 'Runs', align: 'right' },
        { header: 'Agents', flex: true, priority: 2 },
        { header: 'Latest', flex: true, priority: 1 },
      ],
      rows: day.topErrors.slice(0, ERRORS_SHOWN).map((e) => [e.type, formatCount(e.executions), e.agents.join(', '), oneLine(e.sample)]),
    });
  }

  if (status.budgets.length) {
    doc.blocks.push({
      kind: 'table',
      title: 'Budgets',
      columns: [
        { header: 'Budget', flex: true },
        { header: 'Period', priority: 2 },
        { header: 'Spent', align: 'right' },
        { header: 'Cap', align: 'right' },
        { header: 'Used', align: 'right' },
        { header: 'Forecast', align: 'right', priority: 1 },
      ],
      rows: status.budgets.map((b): Cell[] => [
        b.name,
        b.from === b.to ? b.from : `${b.from} to ${b.to}`,
        budgetAmount(b.metric, b.spent) + (b.unpricedExecutions ? ` (+${b.unpricedExecutions} unpriced)` : ''),
        budgetAmount(b.metric, b.limit),
        { text: formatPercent(b.share), tone: BUDGET_TONE[b.state] },
        b.forecast === null
          ? { text: 'too early', tone: 'dim' }
          : { text: `${budgetAmount(b.metric, b.forecast)} (${formatPercent(b.forecastShare)})`, tone: b.forecast >= b.limit ? 'warn' : undefined },
      ]),
      note: 'Forecast: the period\'s burn rate so far, carried to its end',
    });
  }

  const health = Object.entries(status.agentHealth);
  const t = status.thresholds;
  if (health.length) {
    doc.blocks.push({
      kind: 'table',
      title: 'Agent health',
      columns: [
        { header: 'Agent', flex: true },
        { header: 'Health' },
        { header: 'Error rate', align: 'right' },
        { header: 'Avg', align: 'right', priority: 3 },
        { header: 'Last success', priority: 2 },
        { header: 'Why', flex: true, priority: 1 },
      ],
      rows: health.map(([agent, h]): Cell[] => [
        agent,
        { text: h.status, tone: HEALTH_TONE[h.status] },
        { text: formatPercent(h.recentErrorRate), tone: errorTone(h.recentErrorRate, t.degradedErrorRate) },
        formatElapsed(h.avgDuration),
        h.lastSuccess ? clock(Date.parse(h.lastSuccess), now, false) : { text: 'none', tone: 'dim' },
        h.reason,
      ]),
      note: `Each on its last ${t.recentRuns} runs within ${t.recentDays} days; thresholds: agent-track status --help`,
    });
  } else {
    doc.blocks.push({ kind: 'lines', title: 'Agent health', items: [{ text: { text: `No runs in the last ${t.recentDays} days.`, tone: 'dim' } }] });
  }
  return doc;
}

const BUDGET_TONE: Record<BudgetState['state'], Tone> = { ok: 'good', warning: 'warn', spent: 'bad' };

export function budgetAmount(metric: BudgetState['metric'], value: number): string {
  return metric === 'usd' ? formatUsd(value) : `${formatTokens(value)} tokens`;
}

/** Error messages can span lines ("Exit code 127\ncommand not found"); a table cell cannot. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function expected(iso: string | null, overdue: boolean, now: number): Cell {
  if (iso === null) return { text: 'unknown (no history)', tone: 'dim' };
  const at = Date.parse(iso);
  if (overdue) return { text: `overdue by ${formatElapsed(now - at)}`, tone: 'warn' };
  return `${clock(at, now, true)} (in ${formatElapsed(at - now)})`;
}

/** Red from the rate that makes an agent degraded, green at none. */
function errorTone(rate: number | null, degraded: number): Tone | undefined {
  if (rate === null) return undefined;
  return rate >= degraded ? 'bad' : rate === 0 ? 'good' : undefined;
}

/** "17:40:12" today, "11-24 17:40" on another day. */
function clock(ms: number, now: number, seconds: boolean): string {
  const sameDay = localDay(ms) === localDay(now);
  return sameDay ? localClockTime(ms, { seconds }) : localDateTime(ms, { seconds });
}

/** `status --all-projects`: one row per project. */
export function statusProjectsDocument(value: StatusProjects): Document {
  const now = Date.parse(value.generatedAt);
  return {
    title: 'Subagent status across projects',
    subtitle: `as of ${clock(now, now, true)} · ${formatCount(value.projects.length)} projects`,
    blocks: value.projects.length
      ? [
          {
            kind: 'table',
            title: 'Projects',
            columns: [
              { header: 'Project', flex: true },
              { header: 'Running', align: 'right' },
              { header: 'Runs 24h', align: 'right' },
              { header: 'Failed', align: 'right' },
              { header: 'Error rate', align: 'right', priority: 1 },
              { header: 'Subagent share', align: 'right', priority: 2 },
              { header: 'Unhealthy agents', priority: 3 },
            ],
            rows: value.projects.map((p): Cell[] => [
              p.project,
              formatCount(p.activeAgents),
              formatCount(p.last24Hours.executionCount),
              { text: formatCount(p.last24Hours.failed), tone: p.last24Hours.failed ? 'bad' : undefined },
              formatPercent(p.last24Hours.errorRate),
              p.sessions ? formatPercent(p.sessions.tokenShare) : '',
              p.unhealthyAgents.map((a) => `${a.agent} (${a.status})`).join(', '),
            ]),
          },
        ]
      : [{ kind: 'lines', items: [{ text: 'No project with a logs folder found: run `agent-track install` or `agent-track import --all-projects`.' }] }],
    notes: [],
    csv: { columns: [], rows: [] },
  };
}
