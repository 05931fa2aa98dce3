import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { AgentExecution } from '../src/schema/record.js';
import { configFileSchema } from '../src/schema/config.js';
import { DashboardData } from '../src/schema/dashboard.js';
import { ExportAllSummary, ExportSummary } from '../src/schema/export.js';
import { ImportSummary } from '../src/schema/import.js';
import { sessionFiguresSchema } from '../src/schema/session.js';
import { ProjectsReport } from '../src/schema/projects-report.js';
import { ProjectsTrends } from '../src/schema/projects-trends.js';
import { Report, Trends } from '../src/schema/report.js';
import { PriceList } from '../src/schema/prices.js';
import { CheckOutput } from '../src/schema/check.js';
import { CompletionLine } from '../src/schema/completion.js';
import { DoctorOutput } from '../src/schema/doctor.js';
import { PruneOutput } from '../src/schema/prune.js';
import { RunsOutput, ShowOutput } from '../src/schema/runs.js';
import { Status } from '../src/schema/status.js';
import { StatusProjects } from '../src/schema/status-projects.js';
import { DaySummaryFile, DayWorkflowsFile } from '../src/schema/summary.js';

// `npm run schema`: the published JSON Schemas, generated from the zod schemas
// that the code itself uses, so documentation and behaviour cannot drift. A
// test fails when a committed file is out of date.

const SCHEMAS = {
  'agent-execution.schema.json': { schema: AgentExecution, title: 'agent-track execution record', description: 'One subagent execution: <logs>/YYYY-MM-DD/<agent>/exec-<id>.json' },
  'report.schema.json': { schema: Report, title: 'agent-track report', description: 'agent-track report --json, metrics/weekly-report.json, metrics/weekly/*.json, metrics/monthly/*.json' },
  'trends.schema.json': { schema: Trends, title: 'agent-track trends', description: 'agent-track trends --json, metrics/performance-trends.json' },
  'day-summary.schema.json': { schema: DaySummaryFile, title: 'agent-track day summary', description: 'The mergeable rollup of one day, its per-agent figures: <logs>/YYYY-MM-DD/summary.json' },
  'status.schema.json': { schema: Status, title: 'agent-track status', description: 'agent-track status --json: active agents, the last 24 hours, agent health' },
  'status-projects.schema.json': { schema: StatusProjects, title: 'agent-track status across projects', description: 'agent-track status --all-projects --json: one row per project' },
  'dashboard.schema.json': { schema: DashboardData, title: 'agent-track dashboard data', description: 'The data embedded in the HTML page agent-track dashboard writes (<script id="agent-track-data">)' },
  'prices.schema.json': { schema: PriceList, title: 'agent-track prices', description: 'agent-track prices --json: the price of each model in use and where it comes from' },
  'runs.schema.json': { schema: RunsOutput, title: 'agent-track runs', description: 'agent-track runs --json: recent executions, newest first' },
  'show.schema.json': { schema: ShowOutput, title: 'agent-track show', description: 'agent-track show <id> --json: one execution in detail' },
  'check.schema.json': { schema: CheckOutput, title: 'agent-track check', description: 'agent-track check --json: budgets spent or near, agents failing' },
  'prune.schema.json': { schema: PruneOutput, title: 'agent-track prune', description: 'agent-track prune --json: what retention removed (or, with --dry-run, would remove), kept and left alone' },
  'doctor.schema.json': { schema: DoctorOutput, title: 'agent-track doctor', description: 'agent-track doctor --json: each check of the wiring and health of tracking' },
  'export-all-summary.schema.json': { schema: ExportAllSummary, title: 'agent-track export --all-projects summary', description: 'agent-track export --all-projects --json: per project and in total, what was delivered to the OpenTelemetry collector, and what was not' },
  'export-summary.schema.json': { schema: ExportSummary, title: 'agent-track export summary', description: 'agent-track export --json: what was delivered to the OpenTelemetry collector, and what was not' },
  'import.schema.json': { schema: ImportSummary, title: 'agent-track import', description: 'agent-track import --json: what an import of Claude Code transcripts found and wrote' },
  'projects-report.schema.json': { schema: ProjectsReport, title: 'agent-track report across projects', description: 'agent-track report --all-projects --json: one row per project' },
  'projects-trends.schema.json': { schema: ProjectsTrends, title: 'agent-track trends across projects', description: 'agent-track trends --all-projects --json: each project\'s trends and every project together per day' },
  'session.schema.json': { schema: sessionFiguresSchema(), title: 'agent-track session figures', description: "A session's main thread beside its subagents' records: <logs>/sessions/<session>.json" },
  'completion-line.schema.json': { schema: CompletionLine, title: 'agent-track completion line', description: 'One line of <logs>/YYYY-MM-DD/completions.jsonl: a finished execution (the last line per executionId, by revision, is current)' },
  'config.schema.json': { schema: configFileSchema(), title: 'agent-track config', description: 'The project config, .claude/agent-track.json (or --config, AGENT_TRACK_CONFIG); every key is optional. Durations are a number and a unit (90m, 36h, 7d, 2w)' },
  'day-workflows.schema.json': { schema: DayWorkflowsFile, title: 'agent-track day workflows', description: 'The workflow tallies of one day, written with summary.json: <logs>/YYYY-MM-DD/workflows.json' },
};

export function schemaFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [name, { schema, title, description }] of Object.entries(SCHEMAS)) {
    const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output' }) as Record<string, unknown>;
    const { $schema, ...rest } = json;
    files[name] = `${JSON.stringify({ $schema, title, description, ...rest }, null, 2)}\n`;
  }
  return files;
}

if (require.main === module) {
  const dir = join(__dirname, '..', 'schema');
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(schemaFiles())) {
    writeFileSync(join(dir, name), text);
    console.log(`schema/${name}`);
  }
}
