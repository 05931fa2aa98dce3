import { formatCount, formatPercent, formatTokens, formatUsd } from '../../analytics/format.js';
import { formatElapsed } from '../../time/duration.js';
import type { DashboardData } from '../../schema/dashboard.js';
import { barRows, rangeRows, stackedColumns, type StackSeries } from './charts.js';
import { h, uid } from './dom.js';
import { agentsTable, anomalies, emptyState, health, kpis, recommendations, workflows } from './sections.js';
import { localTime, recentTable } from './table.js';
import { unpackRecent } from '../recent-pack.js';
import { projectsSection } from './projects.js';

// The dashboard page, drawn from the JSON embedded in it (see
// src/dashboard/page.ts). Every chart has a title, a one-line reading guide
// and its numbers as a table under "Data", which is also its text
// alternative. Charts are redrawn when their width changes.

const STACKED_AGENTS = 6;
const DURATION_AGENTS = 15;
const TOOLS_SHOWN = 12;

type Draw = (width: number) => SVGSVGElement;

function main(): void {
  const app = document.getElementById('app')!;
  const data = JSON.parse(document.getElementById('agent-track-data')!.textContent!) as DashboardData;
  app.replaceChildren(header(data));
  const report = data.report;
  if (report.summary.totalExecutions === 0) {
    // The same grid as a full page, so the cards keep its spacing.
    const grid = h('div', { class: 'grid' }, emptyState(data));
    if (data.recordedDays) grid.append(card('Agent health', 'As of when this page was made.', health(data), 'health-card'));
    if (data.projects) grid.append(projects(data.projects));
    app.append(grid);
    return;
  }
  app.append(
    kpis(report),
    h(
      'div',
      { class: 'grid' },
      ...(data.projects ? [projects(data.projects)] : []),
      chartCard('daily', 'Executions per day', 'Runs stacked by outcome, with the success rate on the right-hand axis.', dailyChart(data), dailyLegend(), dailyTable(data), true),
      card('Agent health', `As of ${localTime(data.status.generatedAt)}, from each agent's latest runs.`, health(data), 'health-card'),
      chartCard('durations', 'Duration by agent', 'The dot is the median (p50), the line runs to the 95th percentile (p95).', durationChart(data), null, durationTable(data)),
      ...agentSeriesCards(data),
      chartCard('tools', 'Tools', 'Calls per tool; the red end of each bar is the failed calls.', toolChart(data), null, toolTable(data)),
      card('Recommendations', "What the report's rules found, with what to try.", recommendations(report), 'recommendations-card'),
      card('Workflows', 'Agents launched per user prompt, in order. Agents in one dashed box ran in parallel; a(b) means a launched b.', workflows(report), 'workflows-card'),
      card('Anomalies', "Days and runs far from the agent's own median (robust spreads; durations on a log scale).", anomalies(data), 'anomalies-card'),
      card('Agents', 'Every agent over the period.', agentsTable(report), 'agents-card', true),
      card('Recent executions', '', recentTable(unpackRecent(data.recent), data.recent), 'recent-card', true),
    ),
    footer(data),
  );
  for (const warning of [...report.warnings, ...data.trends.warnings]) console.info(`agent-track: ${warning}`);
}

function projects(trends: NonNullable<DashboardData['projects']>): HTMLElement {
  return card('Projects', 'Every project on this machine with a logs folder, over the same days; the rest of the page is this project.', projectsSection(trends), 'projects-card', true);
}

function header(data: DashboardData): HTMLElement {
  const range = data.report.range;
  return h(
    'header',
    { class: 'top' },
    h('h1', {}, 'Subagent dashboard'),
    h(
      'p',
      { class: 'meta' },
      h('strong', {}, data.project),
      ` · ${range.from} to ${range.to}${range.complete ? '' : ' (so far)'} · made ${localTime(data.generatedAt)}`,
    ),
  );
}

function footer(data: DashboardData): HTMLElement {
  const range = data.report.range;
  return h(
    'footer',
    {},
    h('p', {}, `Made by agent-track ${data.version}. The numbers are those of `, h('code', {}, `agent-track report --since ${range.from} --until ${range.to} --json`), ' and ', h('code', {}, 'trends'), ' over the same days; they are embedded in this file.'),
  );
}

function card(title: string, hint: string, body: Node, id: string, wide = false): HTMLElement {
  const heading = uid('h');
  return h('section', { class: `card${wide ? ' wide' : ''}`, id, 'aria-labelledby': heading }, h('h2', { id: heading }, title), hint ? h('p', { class: 'hint' }, hint) : null, body);
}

/** A chart in a figure: title, reading guide, the drawing (redrawn on resize), a legend and its data as a table. */
function chartCard(id: string, title: string, hint: string, draw: Draw | string, legend: Node | null, table: HTMLElement, wide = false): HTMLElement {
  const heading = uid('h');
  const area = h('div', { class: 'chart-area', id: `chart-${id}` });
  const figure = h(
    'figure',
    { class: `card${wide ? ' wide' : ''}`, id: `${id}-card`, 'aria-labelledby': heading },
    h('h2', { id: heading }, title),
    h('p', { class: 'hint' }, hint),
    area,
    legend,
    h('details', {}, h('summary', {}, 'Data'), h('div', { class: 'scroll' }, table)),
  );
  if (typeof draw === 'string') {
    area.append(h('p', { class: 'empty' }, draw));
    return figure;
  }
  const chart = draw;
  let drawn = -1;
  const redraw = () => {
    const width = Math.floor(area.clientWidth);
    if (width <= 0 || Math.abs(width - drawn) < 2) return;
    drawn = width;
    area.replaceChildren(chart(width));
  };
  new ResizeObserver(() => requestAnimationFrame(redraw)).observe(area);
  requestAnimationFrame(redraw);
  return figure;
}

function legend(items: readonly { label: string; cls: string; line?: boolean }[]): HTMLElement {
  return h('ul', { class: 'legend' }, ...items.map((i) => h('li', {}, h('span', { class: `swatch ${i.cls}${i.line ? ' swatch-line' : ''}`, 'aria-hidden': 'true' }), i.label)));
}

function dataTable(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): HTMLElement {
  return h(
    'table',
    { class: 'data compact' },
    h('thead', {}, h('tr', {}, ...headers.map((label, i) => h('th', { scope: 'col', class: i ? 'num' : null }, label)))),
    h('tbody', {}, ...rows.map((row) => h('tr', {}, ...row.map((value, i) => (i ? h('td', { class: 'num' }, value) : h('th', { scope: 'row' }, value)))))),
  );
}

// Executions per day ----------------------------------------------------------

const OUTCOMES = [
  { key: 'succeeded', label: 'Success', cls: 's-success' },
  { key: 'partial', label: 'Partial', cls: 's-partial' },
  { key: 'failed', label: 'Failed', cls: 's-failed' },
] as const;

function dailyChart(data: DashboardData): Draw {
  const days = data.daily;
  const series: StackSeries[] = OUTCOMES.map((o) => ({ key: o.key, label: o.label, cls: o.cls, values: days.map((d) => d.summary[o.key]) }));
  return (width) =>
    stackedColumns(
      {
        label: `Executions per day from ${days[0]?.day} to ${days[days.length - 1]?.day}: ${formatCount(data.report.summary.totalExecutions)} in all, ${formatPercent(data.report.summary.successRate)} succeeded`,
        categories: days.map((d) => d.day),
        series,
        format: (v) => formatCount(v),
        describe: (i) => {
          const s = days[i]!.summary;
          return `${days[i]!.day}: ${formatCount(s.totalExecutions)} runs, ${formatCount(s.succeeded)} success, ${formatCount(s.partial)} partial, ${formatCount(s.failed)} failed (${formatPercent(s.successRate)} success)`;
        },
        attrs: (s, i) => ({ 'data-day': days[i]!.day, 'data-status': s.key, 'data-value': s.values[i] ?? 0 }),
        line: { label: 'success rate', cls: 'rate', values: days.map((d) => d.summary.successRate), format: (v) => `${Math.round(v)}%`, max: 100 },
      },
      width,
      width < 480 ? 200 : 240,
    );
}

function dailyLegend(): HTMLElement {
  return legend([...OUTCOMES.map((o) => ({ label: o.label, cls: o.cls })), { label: 'Success rate', cls: 'rate', line: true }]);
}

function dailyTable(data: DashboardData): HTMLElement {
  return dataTable(
    ['Day', 'Runs', 'Success', 'Partial', 'Failed', 'Success rate'],
    data.daily.map((d) => [d.day, formatCount(d.summary.totalExecutions), formatCount(d.summary.succeeded), formatCount(d.summary.partial), formatCount(d.summary.failed), formatPercent(d.summary.successRate)]),
  );
}

// Durations -------------------------------------------------------------------

function durationAgents(data: DashboardData) {
  return data.report.agentMetrics.filter((a) => a.p50Duration !== null).slice(0, DURATION_AGENTS);
}

function durationChart(data: DashboardData): Draw {
  const rows = durationAgents(data).map((a) => ({
    label: a.agent,
    low: a.p50Duration,
    high: a.p95Duration,
    note: `${formatElapsed(a.p50Duration)} · ${formatElapsed(a.p95Duration)}`,
    describe: `${a.agent}: p50 ${formatElapsed(a.p50Duration)}, p95 ${formatElapsed(a.p95Duration)}, mean ${formatElapsed(a.avgDuration)} over ${formatCount(a.executions)} runs`,
    attrs: { 'data-agent': a.agent, 'data-p50': a.p50Duration, 'data-p95': a.p95Duration },
  }));
  return (width) => rangeRows('Median and 95th percentile duration per agent', rows, width, durationTick);
}

/** Axis labels: "30 s", "2 min", "1.5 h" rather than "2 min 0 s". */
function durationTick(ms: number): string {
  if (ms === 0) return '0';
  if (ms < 60_000) return formatElapsed(ms);
  if (ms < 3_600_000) return `${Number((ms / 60_000).toFixed(1))} min`;
  return `${Number((ms / 3_600_000).toFixed(1))} h`;
}

function durationTable(data: DashboardData): HTMLElement {
  return dataTable(
    ['Agent', 'Runs', 'p50', 'p95', 'Mean'],
    data.report.agentMetrics.map((a) => [a.agent, formatCount(a.executions), formatElapsed(a.p50Duration), formatElapsed(a.p95Duration), formatElapsed(a.avgDuration)]),
  );
}

// Tokens and cost per agent over time -------------------------------------------

const PALETTE = 9;

/**
 * Stacked charts show each metric's top agents; an agent keeps one colour on
 * all of them. Colours go to the agents shown, busiest first; any beyond the
 * palette share grey.
 */
function agentColours(shown: readonly string[], byExecutions: readonly string[]): Map<string, string> {
  const wanted = new Set(shown);
  const ordered = byExecutions.filter((a) => wanted.has(a));
  return new Map(ordered.map((agent, i) => [agent, i < PALETTE ? `c${i}` : 'c-other']));
}

type SeriesKey = 'tokensUsed' | 'pricedUsd';

/** The agents of a metric's stacked chart: the top ones by their total over the period, the rest added up. */
function topAgents(data: DashboardData, key: SeriesKey) {
  const total = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0);
  const byAgent = new Map<string, number[]>();
  data.daily.forEach((day, i) => {
    for (const a of day.agents) {
      let values = byAgent.get(a.agent);
      if (!values) byAgent.set(a.agent, (values = data.daily.map(() => 0)));
      values[i] = a[key];
    }
  });
  const agents = [...byAgent].map(([agent, values]) => ({ agent, values }));
  agents.sort((a, b) => total(b.values) - total(a.values) || (a.agent < b.agent ? -1 : 1));
  const shown = agents.slice(0, STACKED_AGENTS).filter((a) => total(a.values) > 0);
  const rest = agents.slice(shown.length).filter((a) => total(a.values) > 0);
  return { agents, shown, rest, total };
}

function agentSeriesCards(data: DashboardData): HTMLElement[] {
  const tops = { tokensUsed: topAgents(data, 'tokensUsed'), pricedUsd: topAgents(data, 'pricedUsd') };
  const colours = agentColours(
    [...tops.tokensUsed.shown, ...tops.pricedUsd.shown].map((a) => a.agent),
    data.report.agentMetrics.map((a) => a.agent),
  );
  const days = data.daily.map((d) => d.day);
  const metric = (key: SeriesKey, title: string, hint: string, format: (v: number) => string, tick: (v: number) => string) => {
    const { agents, shown, rest, total } = tops[key];
    const series: StackSeries[] = shown.map((a) => ({ key: a.agent, label: a.agent, cls: colours.get(a.agent) ?? 'c-other', values: a.values }));
    if (rest.length) {
      series.push({
        key: '(other agents)',
        label: rest.length === 1 ? rest[0]!.agent : `${rest.length} other agents`,
        cls: 'c-rest',
        values: days.map((_, i) => rest.reduce((sum, a) => sum + (a.values[i] ?? 0), 0)),
      });
    }
    const unpriced = key === 'pricedUsd' && data.daily.some((d) => d.summary.cost.unpricedExecutions > 0);
    const draw: Draw = (width) =>
      stackedColumns(
        {
          label: `${title} from ${days[0]} to ${days[days.length - 1]}, stacked by agent`,
          categories: days,
          series,
          format: tick,
          describe: (i) => `${days[i]}: ${series.filter((s) => (s.values[i] ?? 0) > 0).map((s) => `${s.label} ${format(s.values[i]!)}`).join(', ') || 'none'}`,
          attrs: (s, i) => ({ 'data-day': days[i], 'data-agent': s.key, 'data-value': s.values[i] ?? 0 }),
        },
        width,
        width < 480 ? 200 : 240,
      );
    return chartCard(
      key === 'tokensUsed' ? 'tokens' : 'cost',
      title,
      unpriced ? `${hint} Runs that could not be priced (unknown model, long context) are left out.` : hint,
      draw,
      legend(series.map((s) => ({ label: s.label, cls: s.cls }))),
      dataTable(['Agent', 'Period total'], agents.map((a) => [a.agent, format(total(a.values))])),
    );
  };
  return [
    metric('tokensUsed', 'Tokens used per day', "Claude Code's totalTokens of each run, stacked by agent.", formatTokens, formatTokens),
    metric('pricedUsd', 'Cost per day', 'Billed tokens at list prices, stacked by agent.', formatUsd, (v) => (Number.isInteger(v) ? `$${v}` : formatUsd(v))),
  ];
}

// Tools -------------------------------------------------------------------------

function toolChart(data: DashboardData): Draw | string {
  if (data.report.toolUsage.tools.length === 0) return 'No tool calls recorded in this period.';
  const rows = data.report.toolUsage.tools.slice(0, TOOLS_SHOWN).map((t) => ({
    label: t.tool,
    value: t.calls,
    part: t.failures,
    note: `${formatCount(t.calls)} · ${formatPercent(t.failureRate)} failed`,
    describe: `${t.tool}: ${formatCount(t.calls)} calls, ${formatCount(t.failures)} failed (${formatPercent(t.failureRate)}), used by ${t.agents} agents`,
    attrs: { 'data-tool': t.tool, 'data-calls': t.calls, 'data-failures': t.failures },
  }));
  return (width) => barRows('Calls and failures per tool', rows, width, { bar: 'tool-ok', part: 's-failed' });
}

function toolTable(data: DashboardData): HTMLElement {
  return dataTable(
    ['Tool', 'Calls', 'Failures', 'Failure rate', 'Agents'],
    data.report.toolUsage.tools.map((t) => [t.tool, formatCount(t.calls), formatCount(t.failures), formatPercent(t.failureRate), formatCount(t.agents)]),
  );
}

main();
