import * as z from 'zod/mini';
import { TrendLine } from './report.js';

// `agent-track trends --all-projects --json`: each project's trends from its
// own logs folder and prices, and the per-day totals over every project. Also
// embedded in `agent-track dashboard --all-projects` (its Projects card).
// Published as schema/projects-trends.schema.json.

const count = () => z.int().check(z.gte(0));
const d = (text: string) => z.describe(text);

export const ProjectTrends = z.object({
  project: z.string().check(d("The project's folder")),
  logsDir: z.string(),
  ...TrendLine.shape,
  topAgents: z.array(z.object({ agent: z.string(), executions: count() })).check(d('The agent types with the most executions in the period, at most 3')),
  anomalies: count().check(d('Anomalies `agent-track --project <project> trends` lists')),
});
export type ProjectTrends = z.infer<typeof ProjectTrends>;

export const ProjectsTrends = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('agent-track/projects-trends'),
  generatedAt: z.string(),
  period: z.string(),
  previousPeriod: z.string(),
  filter: z.object({ agents: z.nullable(z.array(z.string())) }),
  days: z.array(z.string()),
  partialDay: z.nullable(z.string().check(d('Today, when the window holds it: its runs so far are counted'))),
  projects: z.array(ProjectTrends).check(d('Most executions first')),
  totals: z
    .object({
      projects: count(),
      executions: count(),
      previousExecutions: count().check(d('In the period of the same length just before')),
      successRate: z.nullable(z.number()).check(d('Over every project, percent')),
      tokensUsed: count(),
      costUsd: z.nullable(z.number()).check(d('null when some project has runs that could not be priced')),
      series: z.object({
        executions: z.array(count()),
        successRate: z.array(z.nullable(z.number())),
        tokensUsed: z.array(count()),
        costUsd: z.array(z.nullable(z.number())),
      }).check(d('Per day of `days`, summed over the projects; the success rate weighted by their runs')),
    })
    .check(d('Every project together')),
});
export type ProjectsTrends = z.infer<typeof ProjectsTrends>;
