import { existsSync, mkdirSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { RedactKind, type RedactKind as Redact } from '../schema/config.js';
import type { ExportSummary } from '../schema/export.js';
import { acquireLock, LockTimeoutError, releaseLock } from '../store/lock.js';
import { exportLockPath, localDay } from '../store/paths.js';
import { projectName, resolveConfigPath } from '../store/location.js';
import { createContext, UsageError, type CommandContext, type GlobalOptions } from './context.js';
import { periodOf } from './options.js';
import { localDayStart } from '../time/period.js';

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
}

/** A second export waits this long for the first, then leaves the work to it. */
const LOCK_WAIT_MS = 2_000;
/** An export holding its lock this long is taken to be hung (a killed one's lock is taken over at once). */
const LOCK_STALE_MS = 3_600_000;

export function exportCommand(): Command {
  return new Command('export')
    .description('send the records as OpenTelemetry traces (OTLP) to a collector; only what it has not yet accepted')
    .option('--endpoint <url>', 'collector URL; /v1/traces is appended (default: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_EXPORTER_OTLP_ENDPOINT, http://localhost:4318)')
    .option('--protocol <protocol>', 'http/protobuf or http/json (default: OTEL_EXPORTER_OTLP_PROTOCOL, http/protobuf)')
    .option('--header <name=value>', 'request header, repeatable (adds to OTEL_EXPORTER_OTLP_HEADERS)', (value: string, all: string[]) => [...all, value], [])
    .option('--since <date>', 'only runs started on or after this day: YYYY-MM-DD, or a span such as 7d')
    .option('--redact <kinds>', `send hashes instead of these texts, comma-separated: ${RedactKind.options.join(', ')} (adds to config export.redact)`)
    .option('--dry-run', 'print the OTLP/JSON request it would send; send nothing, mark nothing')
    .option('--json', 'print a summary as JSON (schema/export-summary.schema.json)')
    .addOption(new Option('--cron', 'print a crontab entry that runs this export hourly (installs nothing)').conflicts(['dryRun', 'json']))
    .action(async (_options: unknown, command: Command) => {
      process.exitCode = await runExportCommand(command.optsWithGlobals<ExportOptions>());
    });
}

async function runExportCommand(options: ExportOptions): Promise<number> {
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

  const redact = new Set<Redact>([...ctx.config.export.redact, ...redactFlag]);
  const { resourceAttributes } = await import('../export/resource.js');
  // --all-projects (import's project list, issue 12) runs this once per project's logs folder.
  const logsDir = ctx.logsDir;
  const { runExport } = await import('../export/run.js');

  if (!existsSync(logsDir)) {
    // Nothing recorded here (yet): no cursor or lock folder is created for it.
    if (options.json) ctx.stdout.write(`${JSON.stringify(notRun(`${logsDir} does not exist`, shown, options), null, 2)}\n`);
    else ctx.stdout.write(`Nothing to export: ${logsDir} does not exist.\n`);
    return 0;
  }
  const lockPath = exportLockPath(logsDir);
  let token: string | null = null;
  if (!options.dryRun) {
    try {
      mkdirSync(dirname(lockPath), { recursive: true });
      token = acquireLock(lockPath, Date.now() + LOCK_WAIT_MS, LOCK_STALE_MS);
    } catch (error) {
      if (!(error instanceof LockTimeoutError)) throw error;
      const message = `another export is running in ${logsDir}; this one did nothing`;
      if (options.json) ctx.stdout.write(`${JSON.stringify(notRun(message, shown, options), null, 2)}\n`);
      else ctx.stderr.write(`agent-track: ${message}\n`);
      return 0;
    }
  }
  let summary: ExportSummary;
  try {
    summary = await runExport({
      logsDir,
      target,
      spans: { prompts: ctx.config.export.prompts, redact, prices: ctx.config.prices },
      resource: resourceAttributes({
        config: ctx.config.export,
        project: projectName(logsDir),
        user: safely(() => userInfo().username),
        host: safely(hostname),
        env: ctx.env,
        redactPaths: redact.has('paths'),
      }),
      since,
      dryRun: options.dryRun === true,
      now: ctx.now,
      onIssue: () => {},
      onProblem: (problem) => ctx.stderr.write(`agent-track: ${problem}\n`),
      printJson: options.json ? undefined : (json) => ctx.stdout.write(`${JSON.stringify(json, null, 2)}\n`),
    });
  } finally {
    if (token !== null) releaseLock(lockPath, token);
  }

  if (options.json) ctx.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else if (!options.dryRun) ctx.stdout.write(`${summaryLine(summary, new Date(ctx.now))}\n`);
  if (summary.notDelivered > 0) {
    ctx.stderr.write(`agent-track: ${summary.notDelivered} execution${summary.notDelivered === 1 ? '' : 's'} not delivered to ${summary.endpoint} (${summary.error}); the next export sends them\n`);
    return 1;
  }
  return 0;
}

/** The --json summary of an export that did not run: the same shape, nothing counted. */
function notRun(reason: string, target: { endpoint: string; protocol: ExportSummary['protocol'] }, options: ExportOptions): ExportSummary {
  return {
    ran: false,
    reason,
    endpoint: target.endpoint,
    protocol: target.protocol,
    dryRun: options.dryRun === true,
    records: 0,
    unchanged: 0,
    delivered: 0,
    spans: 0,
    batches: 0,
    notDelivered: 0,
    error: null,
    skippedFiles: 0,
  };
}

/** One line, for a terminal or a log: what went where. */
function summaryLine(summary: ExportSummary, at: Date): string {
  const stamp = at.toISOString().slice(0, 19).replace('T', ' ');
  const skipped = summary.skippedFiles ? `; ${summary.skippedFiles} unreadable record file${summary.skippedFiles === 1 ? '' : 's'} skipped (agent-track doctor)` : '';
  if (summary.delivered === 0 && summary.notDelivered === 0) return `${stamp} export: nothing new for ${summary.endpoint} (${summary.unchanged} already delivered)${skipped}`;
  const sent = `${summary.delivered} execution${summary.delivered === 1 ? '' : 's'} (${summary.spans} spans) delivered to ${summary.endpoint}`;
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
  const { exportCronEntry } = await import('../export/cron.js');
  // The entry names the collector itself: cron starts with none of the shell's OTEL_* variables.
  const args = ['--endpoint', url];
  if (options.protocol) args.push('--protocol', options.protocol);
  else if (ctx.env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || ctx.env.OTEL_EXPORTER_OTLP_PROTOCOL) args.push('--protocol', (ctx.env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || ctx.env.OTEL_EXPORTER_OTLP_PROTOCOL)!.trim());
  if (options.since) args.push('--since', options.since);
  if (options.redact) args.push('--redact', options.redact);
  ctx.stdout.write(exportCronEntry({ node: process.execPath, bin: binPath(), logsDir: ctx.logsDir, configPath: explicitConfig(ctx), args }));
  // Header values are often API keys: they stay out of the crontab's command line.
  if (options.header.length || ctx.env.OTEL_EXPORTER_OTLP_HEADERS || ctx.env.OTEL_EXPORTER_OTLP_TRACES_HEADERS) {
    ctx.stderr.write('agent-track: headers are not written into the entry: set OTEL_EXPORTER_OTLP_HEADERS=... on a line of its own above it in the crontab\n');
  }
  return 0;
}

/** bin/agent-track beside the dist/ folder this bundle runs from. */
function binPath(): string {
  const beside = resolve(__dirname, '..', 'bin', 'agent-track');
  return existsSync(beside) ? beside : resolve(process.argv[1] ?? beside);
}

function explicitConfig(ctx: CommandContext): string | null {
  return ctx.configPath === resolveConfigPath(ctx.logsDir, {}) ? null : ctx.configPath;
}

function safely(read: () => string): string | null {
  try {
    return read() || null;
  } catch {
    return null; // No passwd entry (a container's uid): left out.
  }
}
