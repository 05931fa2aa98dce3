import { homedir } from 'node:os';
import { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { claudeProjectsDir } from '../import/discover.js';
import { projectKey } from '../import/project-key.js';
import { importTranscripts, type ImportResult } from '../import/import.js';
import { resolveConfigPath, resolveProjectDir } from '../store/location.js';
import { ImportSummary } from '../schema/import.js';
import { createContext, UsageError, UserError, type GlobalOptions } from './context.js';
import { sinceInstant, sinceOption } from './options.js';
import { progressBar } from '../render/progress.js';
import { registerProjects, registryPath } from '../store/projects.js';

// `agent-track import`: records for the subagent runs Claude Code already has
// on disk. The work is src/import/; this file turns flags into a request and
// the result into a summary.

interface ImportOptions extends GlobalOptions {
  allProjects?: boolean;
  since?: string;
  dryRun?: boolean;
  json?: boolean;
}

export function importCommand(): Command {
  return new Command('import')
    .description("record the subagent runs in Claude Code's transcripts ($CLAUDE_CONFIG_DIR/projects or ~/.claude/projects)")
    .option('--all-projects', "every project: each run goes to the logs folder of the project it ran in (or all to --logs-dir)")
    .addOption(sinceOption('only sessions written and runs started since: YYYY-MM-DD, or a span such as 30d'))
    .option('--dry-run', 'count what would be written, write nothing')
    .option('--json', 'print the summary as JSON (schema/import.schema.json)')
    .action((_options: unknown, command: Command) => {
      process.exitCode = runImport(command.optsWithGlobals<ImportOptions>());
    });
}

function runImport(options: ImportOptions): number {
  const ctx = createContext(options);
  const since = options.since === undefined ? null : sinceOf(options.since, ctx.now);
  const projectsDir = claudeProjectsDir(ctx.env, homedir());
  const project = options.allProjects ? null : resolveProjectDir({ env: ctx.env, cwd: ctx.cwd });
  const explicitLogs = options.logsDir ?? ctx.env.AGENT_TRACK_LOGS_DIR;
  const bar = !options.json && (ctx.stderr as { isTTY?: boolean }).isTTY ? progressBar(ctx.stderr, 'sessions') : null;
  const result = importTranscripts({
    projectsDir,
    project,
    logsDir: options.allProjects ? (explicitLogs ? ctx.logsDir : null) : ctx.logsDir,
    since,
    dryRun: options.dryRun === true,
    configFor: (logsDir) => {
      if (logsDir === ctx.logsDir) return ctx.config;
      try {
        return loadConfig(resolveConfigPath(logsDir, ctx.env, options.config));
      } catch (error) {
        throw new UserError((error as Error).message);
      }
    },
    onProgress: bar ? (done, total) => bar.update(done, total) : undefined,
    clock: Date.now,
  });
  bar?.done();
  if (!options.dryRun) registerProjects(registryPath(ctx.env, homedir()), result.projects.map(({ project, logsDir }) => ({ project, logsDir })), ctx.now);
  // Checked against the published schema: what --json prints is what schema/import.schema.json says.
  const summary = ImportSummary.parse({ dryRun: options.dryRun === true, projectsDir, ...result });
  ctx.stdout.write(options.json ? `${JSON.stringify(summary, null, 2)}\n` : summaryText(summary, result, project));
  return 0;
}

function sinceOf(text: string, now: number): number {
  const since = sinceInstant(text, now);
  if (since === null) throw new UsageError(`--since ${text}: expected YYYY-MM-DD or a span such as 30d`);
  return since;
}

function summaryText(summary: ImportSummary, result: ImportResult, project: string | null): string {
  if (result.sessions === 0 && project !== null) {
    return `No Claude Code sessions of ${project} under ${summary.projectsDir} (its folder there is named ${projectKey(project)}).\n`;
  }
  const lines = [
    `${summary.dryRun ? 'Dry run: nothing written. ' : ''}Read ${result.sessions} session(s) from ${summary.projectsDir}` +
      (result.unchangedSessions ? ` (${result.unchangedSessions} unchanged since the last import, not read again)` : ''),
    `${result.runs} subagent run(s): ${result.newRecords} new record(s)${summary.dryRun ? ' to write' : ''}, ` +
      `${result.completedRecords} completed, ${result.alreadyRecorded} already there, ${result.inFlight} with no end yet`,
  ];
  if (result.projects.length > 1) {
    for (const p of result.projects) lines.push(`  ${p.project}: ${p.sessions} session(s), ${p.runs} run(s), ${p.newRecords} new -> ${p.logsDir}`);
  }
  for (const missing of result.missingProjects) lines.push(`skipped project (folder no longer exists): ${missing}`);
  if (result.skippedFiles.length) {
    lines.push(`${result.skippedFiles.length} file(s) skipped or read in part:`);
    for (const file of result.skippedFiles.slice(0, 20)) lines.push(`  ${file.path}: ${file.reason}`);
    if (result.skippedFiles.length > 20) lines.push(`  ... and ${result.skippedFiles.length - 20} more (--json lists them all)`);
  }
  return `${lines.join('\n')}\n`;
}
