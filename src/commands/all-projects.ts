import { periodText, type Period } from '../time/period.js';
import { loadConfig } from '../config/load.js';
import { formatCount, formatPercent, formatUsd } from '../analytics/format.js';
import { percent } from '../analytics/stats.js';
import { projectsOnThisMachine } from '../import/projects.js';
import type { Document } from '../render/document.js';
import { render, type Format } from '../render/output.js';
import { ProjectsReport } from '../schema/projects-report.js';
import { resolveConfigPath } from '../store/location.js';
import { type CommandContext } from './context.js';
import { Reporter } from '../rollup/reporter.js';
import { SummarySource } from '../rollup/summary-source.js';

// `report --all-projects`: every project with a logs folder on this machine
// (agent-track's registry, and the projects Claude Code has transcripts of),
// one row each, from the same report pipeline as a single project's report.

export async function runAllProjects(ctx: CommandContext, request: { period: Period; agents: string[] | null; format: Format }): Promise<number> {
  const projects = projectsOnThisMachine(ctx.env);
  const rows: ProjectsReport['projects'] = [];
  for (const { project, logsDir } of projects) {
    let prices = ctx.config.prices;
    try {
      prices = loadConfig(resolveConfigPath(logsDir, ctx.env)).prices;
    } catch (error) {
      ctx.stderr.write(`agent-track: warning: ${project}: ${(error as Error).message}; default prices used\n`);
    }
    const source = new SummarySource(logsDir, ctx.now, () => {});
    await source.prefetch(request.period.from, request.period.to);
    const report = new Reporter(source, prices, ctx.now).report(request.period, request.agents);
    rows.push({
      project,
      logsDir,
      executions: report.summary.totalExecutions,
      successRate: report.summary.successRate,
      costUsd: report.summary.cost.usd,
      pricedUsd: report.summary.cost.pricedUsd,
      topAgents: report.agentMetrics.slice(0, 3).map((m) => ({ agent: m.agent, executions: m.executions })),
    });
  }
  rows.sort((a, b) => b.executions - a.executions || a.project.localeCompare(b.project));
  const executions = rows.reduce((n, r) => n + r.executions, 0);
  const succeeded = rows.reduce((n, r) => n + Math.round(((r.successRate ?? 0) / 100) * r.executions), 0);
  const value = ProjectsReport.parse({
    schemaVersion: 1,
    kind: 'agent-track/projects-report',
    generatedAt: new Date(ctx.now).toISOString(),
    period: periodText(request.period),
    filter: { agents: request.agents },
    projects: rows,
    totals: {
      projects: rows.length,
      executions,
      successRate: percent(succeeded, executions),
      costUsd: rows.some((r) => r.costUsd === null) ? null : Math.round(rows.reduce((n, r) => n + r.costUsd!, 0) * 1e6) / 1e6,
      pricedUsd: Math.round(rows.reduce((n, r) => n + r.pricedUsd, 0) * 1e6) / 1e6,
    },
  });
  const width = ctx.width;
  ctx.stdout.write(render(value, () => projectsDocument(value), request.format, { width, color: ctx.color }));
  return 0;
}

function projectsDocument(report: ProjectsReport): Document {
  const cost = (usd: number | null, priced: number) => (usd !== null ? formatUsd(usd) : priced > 0 ? `≥ ${formatUsd(priced)}` : 'not priced');
  const cells = report.projects.map((p) => [
    p.project,
    formatCount(p.executions),
    formatPercent(p.successRate),
    cost(p.costUsd, p.pricedUsd),
    p.topAgents.map((a) => `${a.agent} ${formatCount(a.executions)}`).join(', '),
  ]);
  return {
    title: 'Subagent report across projects',
    subtitle: `${report.period} · ${formatCount(report.totals.projects)} projects, ${formatCount(report.totals.executions)} runs, ${formatPercent(report.totals.successRate)} succeeded, ${cost(report.totals.costUsd, report.totals.pricedUsd)}`,
    blocks: report.projects.length
      ? [
          {
            kind: 'table',
            title: 'Projects',
            columns: [{ header: 'Project', flex: true }, { header: 'Runs', align: 'right' }, { header: 'Success', align: 'right' }, { header: 'Cost', align: 'right' }, { header: 'Top agents', priority: 2 }],
            rows: cells,
          },
        ]
      : [{ kind: 'lines', items: [{ text: 'No project with a logs folder found: run `agent-track install` or `agent-track import --all-projects`.' }] }],
    notes: [],
    csv: {
      columns: ['project', 'executions', 'successRate', 'costUsd', 'pricedUsd', 'topAgents'],
      rows: report.projects.map((p) => [p.project, p.executions, p.successRate, p.costUsd, p.pricedUsd, p.topAgents.map((a) => `${a.agent} ${a.executions}`).join('; ')]),
    },
  };
}
