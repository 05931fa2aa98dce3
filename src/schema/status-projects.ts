import * as z from 'zod/mini';
import { SessionShare } from './report.js';
import { HealthStatus, Last24Hours } from './status.js';

// `agent-track status --all-projects --json`: one row per project with a logs
// folder on this machine, each from the same status as `status` in that
// project. Published as schema/status-projects.schema.json.

const count = () => z.int().check(z.gte(0));
const d = (text: string) => z.describe(text);

const ProjectStatus = z.object({
  project: z.string().check(d("The project's folder")),
  logsDir: z.string(),
  activeAgents: count().check(d('Runs started and not finished, not older than the in-flight timeout')),
  last24Hours: Last24Hours,
  unhealthyAgents: z.array(z.object({ agent: z.string(), status: HealthStatus })).check(d('Agent types judged failed or degraded, failed first')),
  sessions: z.nullable(SessionShare).check(d("The subagents' share of the sessions active in the last 24 hours; null when none has figures")),
});

export const StatusProjects = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('agent-track/status-projects'),
  generatedAt: z.string(),
  projects: z.array(ProjectStatus),
});
export type StatusProjects = z.infer<typeof StatusProjects>;
