import { formatCount, formatPercent, formatRatio, formatTokens, formatUsd } from '../../analytics/format.js';
import { formatElapsed } from '../../time/duration.js';
import type { DashboardData } from '../../schema/dashboard.js';
import type { Anomaly, CostFigures, Report } from '../../schema/report.js';
import { h } from './dom.js';
import { localTime } from './table.js';

// The parts of the page that are text rather than charts: headline figures,
// agent health, workflows, anomalies, recommendations, the agents table and
// the empty states.

const WORKFLOWS_SHOWN = 10;
const ANOMALIES_SHOWN = 12;
const AREAS_SHOWN = 12;

export function kpis(report: Report): HTMLElement {
  const s = report.summary;
  const kpi = (key: string, label: string, value: number | null, text: string, tone = '') =>
    h('div', { class: `kpi ${tone}`, 'data-kpi': key, 'data-value': value === null ? 'null' : value }, h('span', { class: 'kpi-label' }, label), h('span', { class: 'kpi-value' }, text));
  return h(
    'section',
    { class: 'kpis', 'aria-label': 'Headline figures' },
    kpi('totalExecutions', 'Executions', s.totalExecutions, formatCount(s.totalExecutions)),
    kpi('successRate', 'Success rate', s.successRate, formatPercent(s.successRate), rateTone(s.successRate)),
    kpi('partial', 'Partial', s.partial, formatCount(s.partial)),
    kpi('failed', 'Failed', s.failed, formatCount(s.failed), s.failed ? 'bad' : ''),
    kpi('p50Duration', 'p50 duration', s.p50Duration, formatElapsed(s.p50Duration)),
    kpi('p95Duration', 'p95 duration', s.p95Duration, formatElapsed(s.p95Duration)),
    kpi('totalTokensUsed', 'Tokens used', s.totalTokensUsed, formatTokens(s.totalTokensUsed)),
    kpi('costUsd', 'Cost', s.cost.usd, costText(s.cost), s.cost.usd === null ? 'warn' : ''),
    // The subagents beside the main thread of their sessions (sessions/<session>.json), when any has figures.
    ...(report.sessions
      ? [
          kpi('sessionTokenShare', 'Share of session tokens', report.sessions.tokenShare, formatPercent(report.sessions.tokenShare)),
          kpi('sessionCostShare', 'Share of session cost', report.sessions.costShare, formatPercent(report.sessions.costShare)),
        ]
      : []),
  );
}

export function costText(cost: CostFigures): string {
  if (cost.usd !== null) return formatUsd(cost.usd);
  if (cost.pricedExecutions === 0) return 'not priced';
  return `≥ ${formatUsd(cost.pricedUsd)}`;
}

export function rateTone(rate: number | null): string {
  if (rate === null) return '';
  return rate >= 90 ? 'good' : rate >= 75 ? 'warn' : 'bad';
}

export function health(data: DashboardData): HTMLElement {
  const status = data.status;
  const entries = Object.entries(status.agentHealth);
  const t = status.thresholds;
  const wrap = h('div', {});
  if (status.activeAgents.length) {
    wrap.append(
      h('p', { class: 'hint' }, `Running when this page was made (${status.activeAgents.length}):`),
      h(
        'ul',
        { class: 'running' },
        ...status.activeAgents.map((a) =>
          h(
            'li',
            {},
            h('strong', {}, a.agentType),
            ` started ${localTime(a.startTime)}, `,
            a.estimatedCompletion === null ? 'no history to estimate its end' : a.overdue ? h('span', { class: 'warn' }, 'running longer than usual') : `expected done ${localTime(a.estimatedCompletion)}`,
          ),
        ),
      ),
    );
  }
  const budgets = status.budgets ?? [];
  if (budgets.length) {
    wrap.append(
      h('p', { class: 'hint' }, 'Budgets, in their current period (forecast: the period\'s burn rate so far, carried to its end):'),
      h(
        'ul',
        { class: 'budgets', id: 'budgets' },
        ...budgets.map((b) => {
          const amount = (v: number) => (b.metric === 'usd' ? formatUsd(v) : `${formatTokens(v)} tokens`);
          return h(
            'li',
            { 'data-budget': b.name, 'data-state': b.state },
            h('span', { class: `pill b-${b.state}` }, b.state === 'ok' ? 'ok' : b.state === 'warning' ? 'near' : 'spent'),
            h('strong', {}, b.name),
            ` ${amount(b.spent)} of ${amount(b.limit)} (${formatPercent(b.share)})`,
            b.forecast === null ? ' · too early to forecast' : ` · heading for ${amount(b.forecast)} by ${b.to}`,
          );
        }),
      ),
    );
  }
  if (entries.length === 0) {
    wrap.append(h('p', { class: 'empty' }, `No runs in the ${t.recentDays} days before this page was made.`));
    return wrap;
  }
  wrap.append(
    h(
      'ul',
      { class: 'health', id: 'health' },
      ...entries.map(([agent, a]) =>
        h(
          'li',
          { 'data-agent': agent, 'data-health': a.status },
          h('span', { class: `pill h-${a.status}` }, a.status),
          h('span', { class: 'health-agent' }, agent),
          h('span', { class: 'health-figures', title: 'failed share of its recent runs · their mean duration · its last success' }, `${formatPercent(a.recentErrorRate)} failed · ${formatElapsed(a.avgDuration)} · ✓ ${a.lastSuccess ? localTime(a.lastSuccess) : 'none'}`),
          h('span', { class: 'health-why' }, a.reason),
        ),
      ),
    ),
    h(
      'p',
      { class: 'hint' },
      `Judged on each agent's last ${t.recentRuns} runs within ${t.recentDays} days. failed: its last ${t.failedStreak} runs failed, all of them did, or ${t.failedErrorRate}% or more; ` +
        `degraded: ${t.degradedErrorRate}% or more failed, or its latest run did (rates need ${t.minRunsForRate} runs).`,
    ),
  );
  return wrap;
}

export function workflows(report: Report): HTMLElement {
  const patterns = report.workflowPatterns.slice(0, WORKFLOWS_SHOWN);
  if (patterns.length === 0) return h('p', { class: 'empty' }, 'No workflows in this period.');
  const top = Math.max(...patterns.map((p) => p.frequency));
  return h(
    'div',
    {},
    h(
      'ol',
      { class: 'workflows', id: 'workflows' },
      ...patterns.map((p) => {
        const bar = h('span', { class: 'freq-bar' });
        bar.style.width = `${Math.max(2, (p.frequency / top) * 100)}%`;
        return h(
          'li',
          { 'data-frequency': p.frequency, 'data-name': p.name },
          h('div', { class: 'stages', 'aria-label': p.name }, ...p.stages.flatMap((stage, i) => [i ? h('span', { class: 'arrow', 'aria-hidden': 'true' }, '→') : null, stageChips(stage)])),
          h('div', { class: 'freq' }, bar),
          h(
            'div',
            { class: 'wf-figures' },
            h('span', {}, `${formatCount(p.frequency)} ${p.frequency === 1 ? 'prompt' : 'prompts'}`),
            h('span', {}, `avg ${formatElapsed(p.avgTotalDuration)}`),
            h('span', { class: rateTone(p.successRate) }, `${formatPercent(p.successRate)} all succeeded`),
          ),
        );
      }),
    ),
    report.workflowPatterns.length > WORKFLOWS_SHOWN ? h('p', { class: 'hint' }, `${report.workflowPatterns.length - WORKFLOWS_SHOWN} more in the report JSON.`) : null,
  );
}

function stageChips(stage: readonly string[]): HTMLElement {
  const chips = stage.map((agent) => h('span', { class: 'chip' }, agent));
  return stage.length > 1 ? h('span', { class: 'parallel', title: 'ran in parallel' }, ...chips) : chips[0]!;
}

export function anomalies(data: DashboardData): HTMLElement {
  const list = data.trends.anomalies;
  if (list.length === 0) return h('p', { class: 'empty' }, 'Nothing unusual: no day or run far from its agent\'s own median.');
  return h(
    'div',
    {},
    h('ul', { class: 'findings', id: 'anomalies' }, ...list.slice(0, ANOMALIES_SHOWN).map((a) => h('li', { 'data-agent': a.agent, 'data-metric': a.metric }, h('span', { class: 'when' }, a.day), ' ', h('strong', {}, a.agent), ': ', anomalyText(a)))),
    list.length > ANOMALIES_SHOWN ? h('p', { class: 'hint' }, `${list.length - ANOMALIES_SHOWN} more in the trends JSON.`) : null,
  );
}

function anomalyText(a: Anomaly): string {
  const times = a.scale === 'log' ? `${formatRatio(Math.round((a.value / Math.max(1, a.median)) * 10) / 10)} its median` : `${Math.abs(a.score).toFixed(1)} spreads ${a.score > 0 ? 'above' : 'below'} its median`;
  switch (a.metric) {
    case 'duration':
      return `one run took ${formatElapsed(a.value)} (median ${formatElapsed(a.median)}; ${times})`;
    case 'executions':
      return `${formatCount(a.value)} runs (median ${formatCount(Math.round(a.median))} a day; ${times})`;
    case 'successRate':
      return `${formatPercent(a.value)} success (median ${formatPercent(a.median)}; ${times})`;
    case 'p50Duration':
      return `p50 ${formatElapsed(a.value)} (median day ${formatElapsed(a.median)}; ${times})`;
  }
}

export function recommendations(report: Report): HTMLElement {
  const areas = report.improvementAreas;
  // Early signals: agents with too few runs for a rate, kept apart from the findings.
  const signals = (report.earlySignals ?? []).slice(0, AREAS_SHOWN);
  const early = signals.length
    ? h(
        'div',
        {},
        h('h3', {}, 'Early signals (too few runs for a rate)'),
        h('ul', { class: 'findings', id: 'early-signals' }, ...signals.map((s) => h('li', { 'data-agent': s.agent, class: 'warn' }, h('strong', {}, s.agent), ': ', s.text))),
      )
    : null;
  if (areas.length === 0) return h('div', {}, h('p', { class: 'empty' }, 'No agent needs attention by the report\'s rules.'), early);
  return h(
    'div',
    {},
    h(
      'ul',
      { class: 'findings', id: 'recommendations' },
      ...areas.slice(0, AREAS_SHOWN).map((a) =>
        h(
          'li',
          { 'data-agent': a.agent, 'data-rule': a.rule, class: a.rule === 'no-success' || a.rule === 'high-failure-rate' ? 'bad' : 'warn' },
          h('strong', {}, a.agent),
          ': ',
          a.issue,
          h('div', { class: 'advice' }, '→ ', a.recommendation),
        ),
      ),
    ),
    areas.length > AREAS_SHOWN ? h('p', { class: 'hint' }, `${areas.length - AREAS_SHOWN} more in the report JSON.`) : null,
    early,
  );
}

export function agentsTable(report: Report): HTMLElement {
  const headers = ['Agent', 'Runs', 'Success', 'Partial', 'Failed', 'p50', 'p95', 'Tokens used', 'Cost', 'Last success'];
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { class: 'data', id: 'agents-table' },
      h('thead', {}, h('tr', {}, ...headers.map((label, i) => h('th', { scope: 'col', class: i ? 'num' : null }, label)))),
      h(
        'tbody',
        {},
        ...report.agentMetrics.map((a) =>
          h(
            'tr',
            { 'data-agent': a.agent },
            h('th', { scope: 'row' }, a.agent),
            cell('executions', a.executions, formatCount(a.executions)),
            cell('successRate', a.successRate, formatPercent(a.successRate), rateTone(a.successRate)),
            cell('partial', a.partial, formatCount(a.partial)),
            cell('failed', a.failed, formatCount(a.failed), a.failed ? 'bad' : ''),
            cell('p50Duration', a.p50Duration, formatElapsed(a.p50Duration)),
            cell('p95Duration', a.p95Duration, formatElapsed(a.p95Duration)),
            cell('tokensUsed', a.tokens.total, formatTokens(a.tokens.total)),
            cell('costUsd', a.cost.usd, costText(a.cost)),
            h('td', { class: 'num' }, a.lastSuccess ? localTime(a.lastSuccess) : 'none'),
          ),
        ),
      ),
    ),
  );
}

function cell(field: string, value: number | null, text: string, tone = ''): HTMLElement {
  return h('td', { class: `num ${tone}`, 'data-field': field, 'data-value': value === null ? 'null' : value }, text);
}

export function emptyState(data: DashboardData): HTMLElement {
  if (data.recordedDays === null) {
    return h(
      'section',
      { class: 'card empty-state', id: 'empty-state' },
      h('h2', {}, 'No subagent executions recorded yet'),
      h('p', {}, 'agent-track writes one record each time Claude Code runs a subagent, once its hooks are installed in your project:'),
      h('pre', {}, h('code', {}, 'npx agent-track install')),
      h('p', {}, 'Then use Claude Code as usual (any prompt that launches a subagent) and make this page again:'),
      h('pre', {}, h('code', {}, 'npx agent-track dashboard --open')),
      h('p', { class: 'hint' }, 'To look around first, ', h('code', {}, 'npx agent-track demo'), ' generates a month of realistic activity.'),
    );
  }
  const { first, last } = data.recordedDays;
  return h(
    'section',
    { class: 'card empty-state', id: 'empty-state' },
    h('h2', {}, `No executions from ${data.report.range.from} to ${data.report.range.to}`),
    h('p', {}, `Recorded days run from ${first} to ${last}. Make the page for them with:`),
    h('pre', {}, h('code', {}, `npx agent-track dashboard --since ${first} --until ${last}`)),
  );
}
