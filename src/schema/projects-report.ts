import * as z from 'zod/mini';

// `agent-track report --all-projects --json`: one row per project with a logs
// folder on this machine. Published as schema/projects-report.schema.json.

const count = () => z.int().check(z.gte(0));
const d = (text: string) => z.describe(text);
const rate = (text: string) => z.nullable(z.number().check(z.gte(0), z.lte(100), d(text)));

const ProjectRow = z.object({
  project: z.string().check(d("The project's folder")),
  logsDir: z.string(),
  executions: count(),
  successRate: rate('succeeded / executions, percent'),
  costUsd: z.nullable(z.number()).check(d('USD at list (or configured) prices; null when some tokens could not be priced')),
  pricedUsd: z.number().check(d('USD of the executions that could be priced')),
  topAgents: z.array(z.object({ agent: z.string(), executions: count() })).check(d('The agent types with the most executions, at most 3')),
});

export const ProjectsReport = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('agent-track/projects-report'),
  generatedAt: z.string(),
  period: z.string(),
  filter: z.object({ agents: z.nullable(z.array(z.string())) }),
  projects: z.array(ProjectRow),
  totals: z.object({ projects: count(), executions: count(), successRate: rate('Over every project'), costUsd: z.nullable(z.number()), pricedUsd: z.number() }),
});
export type ProjectsReport = z.infer<typeof ProjectsReport>;
