import { formatCount, formatPercent, formatTokens, formatUsd } from '../analytics/format.js';
import { formatElapsed } from '../time/duration.js';
import type { CostFigures, Report } from '../schema/report.js';
import { type Cell, type Document, type Tone } from './document.js';
import { sessionShareBlock } from './session-share-view.js';
import { localDateTime } from '../time/local.js';

// The report as a person reads it: headline figures, then one line per agent,
// then what to improve, tools, workflows and cost. Lists are cut to their top
// entries here; the JSON keeps everything.

const AGENTS_SHOWN = 25;
const AREAS_SHOWN = 10;
const TOOLS_SHOWN = 12;
const WORKFLOWS_SHOWN = 10;
const FAILURE_TYPES_SHOWN = 8;
const TOP_AGENTS_PER_TOOL = 3;

export function reportDocument(report: Report): Document {
  const s = report.summary;
  const title = `Subagent report · ${report.range.label}`;
  // The period once: its dates only when the title's label does not already say them.
  const subtitle = [
    report.range.label === report.period || report.range.label === report.range.from ? null : report.period,
    // Said with its day, as trends says it: a bare "so far" on a line of its own read as a stray word.
    report.range.complete ? null : `${report.range.to} is today, so far`,
    report.filter.agents ? `agents: ${report.filter.agents.join(', ')}` : null,
  ]
    .filter(Boolean)
    .join(' · ');
  const doc: Document = { title, subtitle, blocks: [], notes: [...report.warnings], csv: csvOf(report) };

  doc.blocks.push({
    kind: 'facts',
    items: [
      ['Executions', formatCount(s.totalExecutions)],
      ['Success', { text: formatPercent(s.successRate), tone: rateTone(s.successRate) }],
      ['Failed', { text: formatCount(s.failed), tone: s.failed ? 'bad' : undefined }],
      ['Partial', formatCount(s.partial)],
      ['Avg', formatElapsed(s.avgDuration)],
      ['p50', formatElapsed(s.p50Duration)],
      ['p95', formatElapsed(s.p95Duration)],
      ['Tokens used', formatTokens(s.totalTokensUsed)],
      ['Billed tokens', formatTokens(s.billedTokens.total)],
      ['Cost', costText(s.cost)],
    ],
  });

  if (s.failuresByType.length) {
    // Runs hit, not error count: the same figure as the Agents table's "Top error".
    const types = [...s.failuresByType].sort((a, b) => b.executions - a.executions);
    const shown = types.slice(0, FAILURE_TYPES_SHOWN).map((f): [string, Cell] => [f.type, `${formatCount(f.executions)} ${f.executions === 1 ? 'run' : 'runs'}`]);
    if (types.length > FAILURE_TYPES_SHOWN) shown.push(['…', `${types.length - FAILURE_TYPES_SHOWN} more types in --format json`]);
    doc.blocks.push({ kind: 'facts', title: 'Failures by type', items: shown });
  }

  if (report.agentMetrics.length) {
    doc.blocks.push({
      kind: 'table',
      title: 'Agents',
      columns: [
        { header: 'Agent', flex: true },
        { header: 'Runs', align: 'right' },
        { header: 'Success', align: 'right' },
        { header: 'Failed', align: 'right', priority: 3 },
        { header: 'Avg', align: 'right', priority: 5 },
        { header: 'p50', align: 'right', priority: 2 },
        { header: 'p95', align: 'right', priority: 1 },
        { header: 'Tokens', align: 'right', priority: 6 },
        { header: 'Avg tokens', align: 'right', priority: 9 },
        { header: 'Cost', align: 'right', priority: 4 },
        { header: 'Last success', priority: 8 },
        { header: 'Top error', priority: 7, flex: true },
      ],
      rows: report.agentMetrics.slice(0, AGENTS_SHOWN).map((a) => [
        a.agent,
        formatCount(a.executions),
        { text: formatPercent(a.successRate), tone: rateTone(a.successRate) },
        { text: formatCount(a.failed), tone: a.failed ? 'bad' : undefined },
        formatElapsed(a.avgDuration),
        formatElapsed(a.p50Duration),
        formatElapsed(a.p95Duration),
        formatTokens(a.tokens.total),
        formatTokens(a.tokens.avg),
        costText(a.cost),
        a.lastSuccess ? shortTime(a.lastSuccess) : { text: 'none', tone: 'dim' },
        a.commonErrors[0] ? `${a.commonErrors[0].type} (${a.commonErrors[0].executions})` : '',
      ]),
      note: more(report.agentMetrics.length, AGENTS_SHOWN, 'agents'),
    });
  }

  if (report.topPerformers.length) {
    doc.blocks.push({
      kind: 'table',
      title: 'Top performers',
      columns: [
        { header: 'Agent', flex: true },
        { header: 'Runs', align: 'right' },
        { header: 'Success', align: 'right' },
        { header: 'Avg', align: 'right', priority: 1 },
        { header: 'p95', align: 'right', priority: 2 },
      ],
      rows: report.topPerformers.map((t) => [
        t.agent,
        formatCount(t.executions),
        { text: formatPercent(t.successRate), tone: rateTone(t.successRate) },
        formatElapsed(t.avgDuration),
        formatElapsed(t.p95Duration),
      ]),
    });
  }

  if (report.improvementAreas.length) {
    doc.blocks.push({
      kind: 'lines',
      title: 'Improvement areas',
      items: report.improvementAreas.slice(0, AREAS_SHOWN).map((area) => ({
        text: { text: `${area.agent}: ${area.issue}`, tone: area.rule === 'no-success' || area.rule === 'high-failure-rate' ? 'bad' : 'warn' } as Cell,
        detail: area.recommendation,
      })),
      note: more(report.improvementAreas.length, AREAS_SHOWN, 'findings'),
    });
  }

  if (report.earlySignals.length) {
    doc.blocks.push({
      kind: 'lines',
      title: 'Early signals (too few runs for a rate)',
      items: report.earlySignals.slice(0, AREAS_SHOWN).map((signal) => ({
        text: { text: `${signal.agent}: ${signal.text}`, tone: 'warn' } as Cell,
        detail: signal.sample ? `latest: "${signal.sample}"` : undefined,
      })),
      note: more(report.earlySignals.length, AREAS_SHOWN, 'early signals'),
    });
  }

  if (report.toolUsage.tools.length) {
    doc.blocks.push({
      kind: 'table',
      title: 'Tools',
      columns: [
        { header: 'Tool', flex: true },
        { header: 'Calls', align: 'right' },
        { header: 'Failures', align: 'right' },
        { header: 'Failure rate', align: 'right', priority: 1 },
        { header: 'Agents', align: 'right', priority: 2 },
        { header: 'Top agents (calls)', flex: true, priority: 3 },
      ],
      rows: report.toolUsage.tools.slice(0, TOOLS_SHOWN).map((t) => [
        t.tool,
        formatCount(t.calls),
        formatCount(t.failures),
        { text: formatPercent(t.failureRate), tone: t.failureRate !== null && t.failureRate >= 25 ? 'bad' : undefined },
        formatCount(t.agents),
        topAgents(report, t.tool),
      ]),
      note: more(report.toolUsage.tools.length, TOOLS_SHOWN, 'tools'),
    });
  }

  if (report.workflowPatterns.length) {
    doc.blocks.push({
      kind: 'table',
      title: 'Workflows (agents per user prompt; [a | b] ran in parallel)',
      columns: [
        { header: 'Agents', flex: true },
        { header: 'Prompts', align: 'right' },
        { header: 'Avg wall time', align: 'right', priority: 1 },
        { header: 'All succeeded', align: 'right', priority: 2 },
      ],
      rows: report.workflowPatterns.slice(0, WORKFLOWS_SHOWN).map((w) => [
        w.name,
        formatCount(w.frequency),
        formatElapsed(w.avgTotalDuration),
        { text: formatPercent(w.successRate), tone: rateTone(w.successRate) },
      ]),
      note: more(report.workflowPatterns.length, WORKFLOWS_SHOWN, 'workflows'),
    });
  }

  if (report.cost.byModel.length) {
    // The title names the price list only when every priced model used it; a config price is marked per model.
    const configured = report.cost.byModel.filter((m) => m.priceSource === 'config').map((m) => m.model);
    const listed = report.cost.byModel.some((m) => m.priceSource === 'list');
    doc.blocks.push({
      kind: 'table',
      title: configured.length ? 'Cost by model' : `Cost by model (list prices as of ${report.cost.pricesAsOf})`,
      columns: [
        { header: 'Model', flex: true },
        { header: 'Runs', align: 'right', priority: 2 },
        { header: 'Input', align: 'right', priority: 3 },
        { header: 'Output', align: 'right', priority: 3 },
        { header: 'Cache write', align: 'right', priority: 4 },
        { header: 'Cache read', align: 'right', priority: 4 },
        { header: 'Cost', align: 'right' },
      ],
      rows: report.cost.byModel.map((m) => [
        m.priceSource === 'config' ? `${m.model} *` : m.model,
        formatCount(m.executions),
        formatTokens(m.input),
        formatTokens(m.output),
        formatTokens(m.cacheCreation),
        formatTokens(m.cacheRead),
        m.usd !== null ? formatUsd(m.usd) : m.pricedUsd > 0 ? { text: `≥ ${formatUsd(m.pricedUsd)}`, tone: 'warn' } : { text: 'not priced', tone: 'warn' },
      ]),
      note: configured.length
        ? `* priced from "prices" in agent-track.json${listed ? `; the others at list prices as of ${report.cost.pricesAsOf}` : ''}`
        : undefined,
    });
  }

  if (report.sessions) doc.blocks.push(sessionShareBlock(report.sessions));

  const quality = report.dataQuality;
  const remarks = [
    quality.skippedFiles ? `${quality.skippedFiles} unreadable files were left out.` : null,
    s.cost.executionsWithoutTokens ? `${s.cost.executionsWithoutTokens} executions have no token data.` : null,
  ].filter((r): r is string => r !== null);
  if (remarks.length) doc.blocks.push({ kind: 'lines', items: remarks.map((r) => ({ text: { text: r, tone: 'dim' } })) });
  return doc;
}

/** "Explore 120, general-purpose 80, +2 more": the agents that called a tool most, from toolUsage.byAgent. */
function topAgents(report: Report, tool: string): string {
  const users = report.toolUsage.byAgent
    .map(({ agent, tools }) => ({ agent, calls: tools.find((t) => t.tool === tool)?.calls ?? 0 }))
    .filter((u) => u.calls > 0)
    .sort((a, b) => b.calls - a.calls || (a.agent < b.agent ? -1 : 1));
  const named = users.slice(0, TOP_AGENTS_PER_TOOL).map((u) => `${u.agent} ${formatCount(u.calls)}`);
  if (users.length > TOP_AGENTS_PER_TOOL) named.push(`+${users.length - TOP_AGENTS_PER_TOOL} more`);
  return named.join(', ');
}

function csvOf(report: Report): Document['csv'] {
  const findings = new Map<string, number>();
  for (const f of report.improvementAreas) findings.set(f.agent, (findings.get(f.agent) ?? 0) + 1);
  const signals = new Map(report.earlySignals.map((e) => [e.agent, e.text]));
  return {
    columns: [
      'agent',
      'executions',
      'succeeded',
      'partial',
      'failed',
      'successRate',
      'avgDurationMs',
      'p50DurationMs',
      'p95DurationMs',
      'tokensUsed',
      'avgTokensUsed',
      'billedTokens',
      'costUsd',
      'pricedCostUsd',
      'lastSuccess',
      'topError',
      'findings',
      'earlySignal',
    ],
    rows: report.agentMetrics.map((a) => [
      a.agent,
      a.executions,
      a.succeeded,
      a.partial,
      a.failed,
      a.successRate,
      a.avgDuration,
      a.p50Duration,
      a.p95Duration,
      a.tokens.total,
      a.tokens.avg,
      a.tokens.billed,
      a.cost.usd,
      a.cost.pricedUsd,
      a.lastSuccess,
      a.commonErrors[0]?.type ?? null,
      findings.get(a.agent) ?? 0,
      signals.get(a.agent) ?? null,
    ]),
  };
}

/** "$12.34", or "≥ $12.34" with the count of runs that could not be priced. */
export function costText(cost: CostFigures): Cell {
  if (cost.usd !== null) return formatUsd(cost.usd);
  if (cost.pricedExecutions === 0) return { text: 'not priced', tone: 'warn' };
  return { text: `≥ ${formatUsd(cost.pricedUsd)} (${cost.unpricedExecutions} not priced)`, tone: 'warn' };
}

export function rateTone(rate: number | null): Tone | undefined {
  if (rate === null) return undefined;
  return rate >= 90 ? 'good' : rate >= 75 ? 'warn' : 'bad';
}

function shortTime(iso: string): string {
  return localDateTime(new Date(iso));
}

function more(total: number, shown: number, what: string): string | undefined {
  return total > shown ? `${total - shown} more ${what} in --format json` : undefined;
}
