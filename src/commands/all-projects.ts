import { localDay, periodText, previousPeriod, type Period } from '../time/period.js';
import { projectsTrends } from '../analytics/trends.js';
import { ProjectsTrends } from '../schema/projects-trends.js';
import { projectsTrendsDocument } from '../render/projects-trends-view.js';
import { UsageError, type CommandContext } from './context.js';
import { loadConfig } from '../config/load.js';
import { formatCount, formatPercent, formatUsd } from '../analytics/format.js';
import { percent } from '../analytics/stats.js';
import { projectsOnThisMachine } from '../import/projects.js';
import type { Document } from '../render/document.js';
import { render, type Format } from '../render/output.js';
import { ProjectsReport } from '../schema/projects-report.js';
import { resolveConfigPath } from '../store/location.js';

import { Reporter } from '../rollup/reporter.js';
import { SummarySource } from '../rollup/summary-source.js';

// `report`, `trends` and `dashboard --all-projects`: every project with a
// logs folder on this machine (agent-track's registry, and the projects Claude
// Code has transcripts of), one row each, from the same report pipeline as a
// single project's report.

/** One project's figures, read through the same pipeline as its own reports, priced with its own config. */
export interface ProjectReporter {
  project: string;
  logsDir: string;
  reporter: Reporter;
}

/**
 * Every project with a logs folder on this machine, each with a Reporter over
 * its days from `from` to `to`: what `report`, `trends` and `dashboard
 * --all-projects` are built from.
 */
export async function projectReporters(ctx: CommandContext, from: string, to: string): Promise<ProjectReporter[]> {
  const out: ProjectReporter[] = [];
  for (const { project, logsDir } of projectsOnThisMachine(ctx.env)) {
    let prices = ctx.config.prices;
    try {
      prices = loadConfig(resolveConfigPath(logsDir, ctx.env)).prices;
    } catch (error) {
      ctx.stderr.write(`agent-track: warning: ${project}: ${(error as Error).message}; default prices used\n`);
    }
    const source = new SummarySource(logsDir, ctx.now, () => {});
    await source.prefetch(from, to);
    out.push({ project, logsDir, reporter: new Reporter(source, prices, ctx.now) });
  }
  return out;
}

/** The flags that name one project's logs folder or one output file do not go with --all-projects. */
export function refuseWithAllProjects(what: string, flags: Record<string, unknown>): void {
  const given = Object.entries(flags).filter(([, value]) => value !== undefined && value !== false);
  if (given.length) throw new UsageError(`--all-projects ${what}: leave out ${Object.keys(flags).join(', ')}`);
}

/** Each project's trends, and every project together: `trends --all-projects`, and the dashboard's Projects card. */
export async function projectsTrendsOf(ctx: CommandContext, period: Period, agents: string[] | null): Promise<ProjectsTrends> {
  const before = previousPeriod(period);
  const projects = (await projectReporters(ctx, before.from, period.to)).map(({ project, logsDir, reporter }) => ({ project, logsDir, trends: reporter.trendsOf(period, agents) }));
  return ProjectsTrends.parse(projectsTrends({ projects, period, agents, now: ctx.now, today: localDay(ctx.now) }));
}

export async function runAllProjectsTrends(ctx: CommandContext, request: { period: Period; agents: string[] | null; format: Format }): Promise<number> {
  const value = await projectsTrendsOf(ctx, request.period, request.agents);
  ctx.stdout.write(render(value, () => projectsTrendsDocument(value), request.format, { width: ctx.width, color: ctx.color }));
  return 0;
}

export async function runAllProjects(ctx: CommandContext, request: { period: Period; agents: string[] | null; format: Format }): Promise<number> {
  const rows: ProjectsReport['projects'] = [];
  for (const { project, logsDir, reporter } of await projectReporters(ctx, request.period.from, request.period.to)) {
    const report = reporter.report(request.period, request.agents);
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
