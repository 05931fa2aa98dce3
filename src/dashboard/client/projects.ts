import { formatCount, formatPercent, formatSigned, formatUsd } from '../../analytics/format.js';
import { formatElapsed } from '../../time/duration.js';
import type { ProjectsTrends, ProjectTrends } from '../../schema/projects-trends.js';
import { stackedColumns, type StackSeries } from './charts.js';
import { h } from './dom.js';

// The Projects card of `dashboard --all-projects`: every project's runs per
// day stacked, and a row per project (the figures of `agent-track trends
// --all-projects`). The filter shows one project alone in both.

/** Projects with a colour of their own in the chart; the rest share one. */
const PALETTE = 9;

export function projectsSection(t: ProjectsTrends): HTMLElement {
  if (t.projects.length === 0) return h('p', { class: 'empty' }, 'No project with a logs folder found: run `agent-track install` or `agent-track import --all-projects`.');
  const colour = new Map(t.projects.map((p, i) => [p.project, i < PALETTE ? `c${i}` : 'c-other']));
  const filter = h(
    'select',
    { id: 'project-filter', 'aria-label': 'Project' },
    h('option', { value: '' }, `All ${formatCount(t.projects.length)} projects`),
    ...t.projects.map((p) => h('option', { value: p.project }, p.project)),
  );
  const count = h('output', { id: 'project-count', 'aria-live': 'polite' });
  const area = h('div', { class: 'chart-area', id: 'chart-projects' });
  const body = h('tbody');
  const table = h(
    'table',
    { id: 'projects-table', class: 'data' },
    h('thead', {}, h('tr', {}, ...['Project', 'Runs', 'vs prev', 'Success', 'vs prev', 'p50', 'Cost', 'Top agents'].map((label, i) => h('th', { scope: 'col', class: i > 0 && i < 7 ? 'num' : null }, label)))),
    body,
  );

  let drawn = -1;
  const shown = () => t.projects.filter((p) => filter.value === '' || p.project === filter.value);
  const draw = (force: boolean) => {
    const width = Math.floor(area.clientWidth);
    if (width <= 0 || (!force && Math.abs(width - drawn) < 2)) return;
    drawn = width;
    const series: StackSeries[] = shown().map((p) => ({ key: p.project, label: p.project, cls: colour.get(p.project)!, values: p.series.executions }));
    area.replaceChildren(
      stackedColumns(
        {
          label: `Runs per day from ${t.days[0]} to ${t.days[t.days.length - 1]}, stacked by project`,
          categories: t.days,
          series,
          format: (v) => formatCount(v),
          describe: (i) => `${t.days[i]}: ${series.filter((s) => (s.values[i] ?? 0) > 0).map((s) => `${s.label} ${formatCount(s.values[i]!)}`).join(', ') || 'no runs'}`,
          attrs: (s, i) => ({ 'data-day': t.days[i], 'data-project': s.key, 'data-value': s.values[i] ?? 0 }),
        },
        width,
      ),
    );
  };
  const update = () => {
    const rows = shown();
    body.replaceChildren(...rows.map(row));
    count.value = `${formatCount(rows.length)} of ${formatCount(t.projects.length)}`;
    draw(true);
  };
  filter.addEventListener('change', update);
  new ResizeObserver(() => requestAnimationFrame(() => draw(false))).observe(area);
  update();
  requestAnimationFrame(() => draw(true));

  const totals = t.totals;
  return h(
    'div',
    {},
    h(
      'p',
      { class: 'hint' },
      `${formatCount(totals.executions)} runs in ${formatCount(totals.projects)} projects, ${formatPercent(totals.successRate)} succeeded, ${totals.costUsd === null ? 'not fully priced' : formatUsd(totals.costUsd)}. Each project from its own logs folder and prices; the same figures as `,
      h('code', {}, 'agent-track trends --all-projects'),
      '.',
    ),
    h('div', { class: 'controls' }, filter, count),
    area,
    h('div', { class: 'scroll' }, table),
  );
}

function row(p: ProjectTrends): HTMLElement {
  const runs = p.change.executions;
  const runsChange = runs.percent !== null ? formatSigned(runs.percent, '%') : runs.previous === 0 && runs.current ? 'new' : '—';
  const points = p.change.successRate.delta;
  const cells: [string, string, number | null][] = [
    ['executions', formatCount(p.current.executions), p.current.executions],
    ['executionsChange', runsChange, runs.percent],
    ['successRate', formatPercent(p.current.successRate), p.current.successRate],
    ['successRateChange', points === null ? '—' : formatSigned(points, ' pts', 1), points],
    ['p50Duration', formatElapsed(p.current.p50Duration), p.current.p50Duration],
    ['costUsd', p.current.costUsd === null ? 'not fully priced' : formatUsd(p.current.costUsd), p.current.costUsd],
  ];
  return h(
    'tr',
    { 'data-project': p.project },
    h('th', { scope: 'row' }, p.project),
    ...cells.map(([field, text, value]) => h('td', { class: 'num', 'data-field': field, 'data-value': value === null ? 'null' : value }, text)),
    h('td', {}, p.topAgents.map((a) => `${a.agent} ${formatCount(a.executions)}`).join(', ')),
  );
}
