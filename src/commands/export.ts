import { plural } from '../analytics/format.js';
import { existsSync, mkdirSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { dirname } from 'node:path';
import { Command, Option } from 'commander';
import { RedactKind, type RedactKind as Redact } from '../schema/config.js';
import type { Config } from '../schema/config.js';
import type { ExportAllSummary, ExportSummary } from '../schema/export.js';
import type { ExportTarget } from '../export/target.js';
import { loadConfig } from '../config/load.js';
import { projectsOnThisMachine } from '../import/projects.js';
import { acquireLock, LockTimeoutError, releaseLock } from '../store/lock.js';
import { exportLockPath } from '../store/paths.js';
import { localDay, localDayStart } from '../time/period.js';
import { projectName, resolveConfigPath } from '../store/location.js';
import { createContext, UsageError, type CommandContext, type GlobalOptions } from './context.js';
import { cronEntryFor } from './launcher.js';
import { periodOf } from './options.js';

// `agent-track export`: send the records as OpenTelemetry traces to a
// collector. Flags and variables become a target here; the work is in
// src/export/ (loaded only when this command runs: the OpenTelemetry packages
// are the CLI's biggest, and no other command needs them). Exit codes: 0 all
// due delivered (or another export was running), 1 something not delivered,
// 2 a bad flag.

interface ExportOptions extends GlobalOptions {
  endpoint?: string;
  protocol?: string;
  header: string[];
  since?: string;
  redact?: string;
  dryRun?: boolean;
  json?: boolean;
  cron?: boolean;
  allProjects?: boolean;
}

/** A second export waits this long for the first, then leaves the work to it. */
const LOCK_WAIT_MS = 2_000;
/** An export holding its lock this long is taken to be hung (a killed one's lock is taken over at once). */
const LOCK_STALE_MS = 3_600_000;

export function exportCommand(): Command {
  return new Command('export')
    .description('send the records as OpenTelemetry traces (OTLP) to a collector; only what it has not yet accepted')
    .option(
      '--endpoint <url>',
      'collector URL; /v1/traces is appended for http/*, grpc takes host:port as is (default: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_EXPORTER_OTLP_ENDPOINT, http://localhost:4318; grpc: http://localhost:4317)',
    )
    .option('--protocol <protocol>', 'http/protobuf, http/json or grpc (default: OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, OTEL_EXPORTER_OTLP_PROTOCOL, http/protobuf)')
    .option('--header <name=value>', 'request header (gRPC metadata for grpc), repeatable (adds to OTEL_EXPORTER_OTLP_HEADERS)', (value: string, all: string[]) => [...all, value], [])
    .option('--since <date>', 'only runs started on or after this day: YYYY-MM-DD, or a span such as 7d')
    .option('--redact <kinds>', `send hashes instead of these texts, comma-separated: ${RedactKind.options.join(', ')} (adds to config export.redact)`)
    .option('--dry-run', 'print the OTLP/JSON request it would send; send nothing, mark nothing')
    .option('--json', 'print a summary as JSON (schema/export-summary.schema.json)')
    .option('--all-projects', 'every project `report --all-projects` lists, each from its own logs folder with its own cursor and config')
    .addOption(new Option('--cron', 'print a crontab entry that runs this export hourly (installs nothing)').conflicts(['dryRun', 'json']))
    .action(async (_options: unknown, command: Command) => {
      process.exitCode = await runExportCommand(command.optsWithGlobals<ExportOptions>());
    });
}

async function runExportCommand(options: ExportOptions): Promise<number> {
  if (options.allProjects && (options.logsDir || options.project || options.config || options.cron)) throw new UsageError('--all-projects exports every project with its own config: leave out --logs-dir, --project, --config and --cron');
  const redactFlag = redactKinds(options.redact);
  const ctx = createContext(options);
  const today = localDay(ctx.now);
  // --since counts in the same local days as the day folders.
  const since = options.since === undefined ? null : localDayStart(periodOf({ since: options.since, until: today }, today).from);
  const { resolveTarget, shownUrl, TargetError } = await import('../export/target.js');
  let target;
  try {
    target = resolveTarget({ endpoint: options.endpoint, protocol: options.protocol, header: options.header }, ctx.env);
  } catch (error) {
    if (error instanceof TargetError) throw new UsageError(error.message);
    throw error;
  }
  if (options.cron) return printCron(ctx, options, target.url);
  const shown = { endpoint: shownUrl(target.url), protocol: target.protocol };

  if (options.allProjects) return exportAllProjects(ctx, options, { target, shown, since, redactFlag });

  const summary = await exportFolder(ctx, options, { target, shown, since, redactFlag }, { logsDir: ctx.logsDir, config: ctx.config });
  if (options.json) ctx.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else if (!summary.ran && busy(summary)) ctx.stderr.write(`agent-track: ${summary.reason}\n`);
  else if (!summary.ran) ctx.stdout.write(`${notRunLine(summary, ctx.logsDir)}\n`);
  else if (!options.dryRun) ctx.stdout.write(`${summaryLine(summary, new Date(ctx.now))}\n`);
  if (summary.notDelivered > 0) {
    ctx.stderr.write(`agent-track: ${notDeliveredLine(summary)}\n`);
    return 1;
  }
  return 0;
}

interface Run {
  target: ExportTarget;
  shown: { endpoint: string; protocol: ExportSummary['protocol'] };
  since: number | null;
  redactFlag: Redact[];
}

/**
 * `--all-projects`: every project `report --all-projects` lists, one after
 * the other, each with its own logs folder, cursor, lock and config (its
 * prices, privacy and resource switches), so a project exported on its own
 * before is not sent again. One project's failure does not stop the others.
 */
async function exportAllProjects(ctx: CommandContext, options: ExportOptions, run: Run): Promise<number> {
  const projects = projectsOnThisMachine(ctx.env);
  const rows: ExportAllSummary['projects'] = [];
  for (const { project, logsDir } of projects) {
    let config: Config;
    try {
      config = loadConfig(resolveConfigPath(logsDir, ctx.env));
    } catch (error) {
      // Its privacy switches are unknown: nothing of it is sent.
      rows.push({ project, logsDir, summary: null, problem: (error as Error).message });
      continue;
    }
    rows.push({ project, logsDir, summary: await exportFolder(ctx, options, run, { logsDir, config }), problem: null });
  }
  const total = (key: 'records' | 'unchanged' | 'delivered' | 'spans' | 'notDelivered' | 'skippedFiles') => rows.reduce((n, r) => n + (r.summary?.[key] ?? 0), 0);
  const failed = rows.filter((r) => r.problem !== null || (r.summary?.notDelivered ?? 0) > 0);
  const all: ExportAllSummary = {
    allProjects: true,
    endpoint: run.shown.endpoint,
    protocol: run.shown.protocol,
    dryRun: options.dryRun === true,
    projects: rows,
    totals: { projects: rows.length, records: total('records'), unchanged: total('unchanged'), delivered: total('delivered'), spans: total('spans'), notDelivered: total('notDelivered'), skippedFiles: total('skippedFiles') },
    notDelivered: failed.map((r) => r.project),
  };
  if (options.json) ctx.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
  else if (!options.dryRun) {
    if (!rows.length) ctx.stdout.write('Nothing to export: no project with a logs folder found (see README "Reports across projects").\n');
    for (const row of rows) if (row.summary) ctx.stdout.write(`${row.project}: ${row.summary.ran ? summaryLine(row.summary, new Date(ctx.now)) : notRunLine(row.summary, row.logsDir)}\n`);
  }
  for (const row of failed) ctx.stderr.write(`agent-track: ${row.project}: ${row.problem !== null ? `not exported: ${row.problem}` : notDeliveredLine(row.summary!)}\n`);
  return failed.length ? 1 : 0;
}

/** One logs folder's export, under its lock; a folder that does not exist or is busy is a summary that did not run. */
async function exportFolder(ctx: CommandContext, options: ExportOptions, run: Run, folder: { logsDir: string; config: Config }): Promise<ExportSummary> {
  const { logsDir, config } = folder;
  // Nothing recorded here (yet): no cursor or lock folder is created for it.
  const { runExport, uncounted } = await import('../export/run.js');
  // The --json summary of an export that did not run: the same shape, nothing counted.
  const notRun = (reason: string): ExportSummary => ({ ...uncounted(run.shown.endpoint, run.shown.protocol, options.dryRun === true), ran: false, reason });
  if (!existsSync(logsDir)) return notRun(`${logsDir} does not exist`);
  const redact = new Set<Redact>([...config.export.redact, ...run.redactFlag]);
  const { resourceAttributes } = await import('../export/resource.js');
  const lockPath = exportLockPath(logsDir);
  let token: string | null = null;
  if (!options.dryRun) {
    try {
      mkdirSync(dirname(lockPath), { recursive: true });
      token = acquireLock(lockPath, Date.now() + LOCK_WAIT_MS, LOCK_STALE_MS);
    } catch (error) {
      if (!(error instanceof LockTimeoutError)) throw error;
      return notRun(`another export is running in ${logsDir}; this one did nothing`);
    }
  }
  try {
    return await runExport({
      logsDir,
      target: run.target,
      spans: { prompts: config.export.prompts, redact, prices: config.prices },
      resource: resourceAttributes({
        config: config.export,
        project: projectName(logsDir),
        user: safely(() => userInfo().username),
        host: safely(hostname),
        env: ctx.env,
        redactPaths: redact.has('paths'),
      }),
      since: run.since,
      dryRun: options.dryRun === true,
      now: ctx.now,
      onIssue: () => {},
      onProblem: (problem) => ctx.stderr.write(`agent-track: ${problem}\n`),
      printJson: options.json ? undefined : (json) => ctx.stdout.write(`${JSON.stringify(json, null, 2)}\n`),
    });
  } finally {
    if (token !== null) releaseLock(lockPath, token);
  }
}

function notDeliveredLine(summary: ExportSummary): string {
  return `${plural(summary.notDelivered, 'execution')} not delivered to ${summary.endpoint} (${summary.error}); the next export sends them`;
}

/** The text line of an export that did not run (no logs folder, or another export busy). */
function notRunLine(summary: ExportSummary, logsDir: string): string {
  return busy(summary) ? `export: ${summary.reason}` : `Nothing to export: ${logsDir} does not exist.`;
}

function busy(summary: ExportSummary): boolean {
  return summary.reason?.startsWith('another export') === true;
}

/** One line, for a terminal or a log: what went where. */
function summaryLine(summary: ExportSummary, at: Date): string {
  const stamp = at.toISOString().slice(0, 19).replace('T', ' ');
  const skipped = summary.skippedFiles ? `; ${plural(summary.skippedFiles, 'unreadable record file')} skipped (agent-track doctor)` : '';
  if (summary.delivered === 0 && summary.notDelivered === 0) return `${stamp} export: nothing new for ${summary.endpoint} (${summary.unchanged} already delivered)${skipped}`;
  const sent = `${plural(summary.delivered, 'execution')} (${summary.spans} spans) delivered to ${summary.endpoint}`;
  return `${stamp} export: ${sent}${summary.notDelivered ? `, ${summary.notDelivered} not delivered` : ''}${skipped}`;
}

function redactKinds(text: string | undefined): Redact[] {
  if (text === undefined) return [];
  const kinds = text.split(',').map((k) => k.trim()).filter(Boolean);
  const bad = kinds.find((k) => !(RedactKind.options as readonly string[]).includes(k));
  if (bad !== undefined || kinds.length === 0) throw new UsageError(`--redact expects ${RedactKind.options.join(', ')} (comma-separated), not "${text}"`);
  return kinds as Redact[];
}


async function printCron(ctx: CommandContext, options: ExportOptions, url: string): Promise<number> {
  const { EXPORT_JOB } = await import('../install/cron.js');
  // The entry names the collector itself: cron starts with none of the shell's OTEL_* variables.
  const args = ['--endpoint', url];
  if (options.protocol) args.push('--protocol', options.protocol);
  else if (ctx.env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || ctx.env.OTEL_EXPORTER_OTLP_PROTOCOL) args.push('--protocol', (ctx.env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || ctx.env.OTEL_EXPORTER_OTLP_PROTOCOL)!.trim());
  if (options.since) args.push('--since', options.since);
  if (options.redact) args.push('--redact', options.redact);
  ctx.stdout.write(cronEntryFor(ctx, EXPORT_JOB, args));
  // Header values are often API keys: they stay out of the crontab's command line.
  if (options.header.length || ctx.env.OTEL_EXPORTER_OTLP_HEADERS || ctx.env.OTEL_EXPORTER_OTLP_TRACES_HEADERS) {
    ctx.stderr.write('agent-track: headers are not written into the entry: set OTEL_EXPORTER_OTLP_HEADERS=... on a line of its own above it in the crontab\n');
  }
  return 0;
}

function safely(read: () => string): string | null {
  try {
    return read() || null;
  } catch {
    return null; // No passwd entry (a container's uid): left out.
  }
}
