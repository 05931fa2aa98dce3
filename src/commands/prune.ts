import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { isoWeekPeriod, monthPeriod, localDay } from '../time/period.js';
import { DURATION_HELP, formatDurationSetting, parseDuration } from '../time/duration.js';
import { PRUNE_JOB } from '../install/cron.js';
import { RefusedLogsDirError, resolveLogsRoot } from '../retention/guard.js';
import { type RetentionPolicy } from '../retention/policy.js';
import { DEFAULT_CONFIG } from '../schema/config.js';
import { prune, resultOf } from '../retention/prune.js';
import type { DatedKind } from '../retention/reports.js';
import { Ledger, type PruneResult } from '../retention/result.js';
import { errorText } from '../retention/remove.js';
import { pruneDocument } from '../render/prune-view.js';
import { renderTerminal } from '../render/terminal.js';
import { LockTimeoutError, withLock } from '../store/lock.js';
import { PRUNE_LOCK } from '../store/paths.js';
import { datedReportPath, writeReportFile } from '../rollup/dated-reports.js';
import { createContext, UsageError, UserError, type CommandContext, type GlobalOptions } from './context.js';
import { Reporter } from '../rollup/reporter.js';
import { SummarySource } from '../rollup/summary-source.js';
import { printable } from '../render/sanitize.js';
import { cronEntryFor } from './launcher.js';

// `agent-track prune`: enforce retention. Flags become a policy here; the
// work is src/retention/prune.ts. Exit codes: 0 done (things kept for safety
// included), 1 some removal failed, 2 a bad flag. A prune that finds another
// one running in the same logs folder waits briefly, then exits 0 saying so.

interface PruneOptions extends GlobalOptions {
  raw?: string;
  dailySummaries?: string;
  weeklyReports?: string;
  monthlyReports?: string;
  dryRun?: boolean;
  json?: boolean;
  cron?: boolean;
}

const POLICY_FLAGS = [
  ['raw', '--raw', 'rawMs'],
  ['dailySummaries', '--daily-summaries', 'dailySummariesMs'],
  ['weeklyReports', '--weekly-reports', 'weeklyReportsMs'],
  ['monthlyReports', '--monthly-reports', 'monthlyReportsMs'],
] as const;

/** How long a second prune waits for the first before giving up cleanly. */
const LOCK_WAIT_MS = 5_000;
/**
 * A prune holding the lock this long is taken to be hung. A killed prune's
 * lock is taken over at once (its pid is gone); this only covers a pid reused.
 */
const LOCK_STALE_MS = 6 * 3_600_000;

/** The retention defaults, shown in --help from the config's own defaults. */
const R = DEFAULT_CONFIG.retention;

export function pruneCommand(): Command {
  return new Command('prune')
    .description(`delete what is past retention (default: raw records ${formatDurationSetting(R.rawMs)}, day summaries ${formatDurationSetting(R.dailySummariesMs)}, weekly reports ${formatDurationSetting(R.weeklyReportsMs)}, monthly reports ${formatDurationSetting(R.monthlyReportsMs)})`)
    .option('--raw <duration>', 'keep per-execution records and completions.jsonl this long (config: retention.raw)')
    .option('--daily-summaries <duration>', 'keep day folders with their summary.json this long (config: retention.dailySummaries)')
    .option('--weekly-reports <duration>', 'keep metrics/weekly/YYYY-Www.json this long after the week (config: retention.weeklyReports)')
    .option('--monthly-reports <duration>', 'keep metrics/monthly/YYYY-MM.json this long after the month (config: retention.monthlyReports)')
    .option('--dry-run', 'list what would go, change nothing')
    .option('--json', 'print the result as JSON')
    .addOption(new Option('--cron', 'print a crontab entry that runs this prune daily (installs nothing)').conflicts(['dryRun', 'json']))
    .action((_options: unknown, command: Command) => {
      process.exitCode = runPrune(command.optsWithGlobals<PruneOptions>());
    });
}

function runPrune(options: PruneOptions): number {
  // Flags are checked before the config is read: a typo is a usage error whatever the config says.
  const overrides = policyOverrides(options);
  const ctx = createContext(options);
  const policy: RetentionPolicy = { ...ctx.config.retention, ...overrides };
  let root;
  try {
    root = resolveLogsRoot(ctx.logsDir, ctx.env);
  } catch (error) {
    if (error instanceof RefusedLogsDirError) throw new UserError(error.message);
    throw error;
  }
  if (options.cron) {
    ctx.stdout.write(cronEntryFor(ctx, PRUNE_JOB, policyArgs(options, overrides)));
    return 0;
  }
  if (!root.exists) {
    if (options.json) ctx.stdout.write(`${JSON.stringify({ ran: true, ...resultOf(root.path, policy, ctx.now, options.dryRun === true, new Ledger(root.path)) }, null, 2)}\n`);
    else ctx.stdout.write(`Nothing to prune: ${root.path} does not exist.\n`);
    return 0;
  }
  const run = () =>
    prune({ logsDir: ctx.logsDir, root: root.path, config: ctx.config, policy, now: ctx.now, dryRun: options.dryRun === true, writeReport: reportWriter(ctx, root.path) });

  let result: PruneResult;
  if (options.dryRun) {
    // A dry run changes nothing, the lock file included; what it lists may be a moment old.
    result = run();
  } else {
    const lockPath = join(root.path, PRUNE_LOCK);
    let locked = false;
    try {
      result = withLock(lockPath, Date.now() + LOCK_WAIT_MS, () => ((locked = true), run()), LOCK_STALE_MS);
    } catch (error) {
      // A read-only or full logs folder fails at the lock, before anything is touched: one line, exit 1.
      if (!locked && !(error instanceof LockTimeoutError)) throw new UserError(`cannot prune ${root.path}: ${errorText(error)}; nothing was removed`);
      if (!(error instanceof LockTimeoutError)) throw error;
      const holder = lockHolder(lockPath);
      const message = `another prune${holder ? ` (pid ${holder})` : ''} is running in ${root.path}; this one did nothing`;
      if (options.json) ctx.stdout.write(`${JSON.stringify({ ran: false, reason: message }, null, 2)}\n`);
      else ctx.stderr.write(`agent-track: ${printable(message, { lines: true })}\n`);
      return 0;
    }
  }
  const width = ctx.width;
  ctx.stdout.write(options.json ? `${JSON.stringify({ ran: true, ...result }, null, 2)}\n` : renderTerminal(pruneDocument(result, new Date(ctx.now)), { width, color: ctx.color }));
  return result.failed.length ? 1 : 0;
}

function policyOverrides(options: PruneOptions): Partial<RetentionPolicy> {
  const overrides: Partial<RetentionPolicy> = {};
  for (const [option, flag, key] of POLICY_FLAGS) {
    const text = options[option];
    if (text === undefined) continue;
    const ms = parseDuration(text);
    if (ms === null) throw new UsageError(`${flag} expects a duration, ${DURATION_HELP}; not "${text}"`);
    overrides[key] = ms;
  }
  return overrides;
}

/** The retention flags given, for the crontab entry to pass on. */
function policyArgs(options: PruneOptions, overrides: Partial<RetentionPolicy>): string[] {
  return POLICY_FLAGS.flatMap(([option, flag, key]) => (options[option] === undefined ? [] : [flag, formatDurationSetting(overrides[key]!)]));
}

/** The dated report of a week or month, built the way `agent-track report` builds it, from the day summaries. */
function reportWriter(ctx: CommandContext, root: string): (kind: DatedKind, label: string) => string | null {
  let reporter: Reporter | null = null;
  return (kind, label) => {
    reporter ??= new Reporter(new SummarySource(root, ctx.now, () => {}), ctx.config.prices, ctx.now);
    const today = localDay(ctx.now);
    const period = kind === 'weekly' ? isoWeekPeriod(label, today) : monthPeriod(label, today);
    const report = reporter.report(period!, null);
    if (report.summary.totalExecutions === 0) return null;
    const path = datedReportPath(root, kind, label);
    writeReportFile(root, path, report, { durable: true });
    return path;
  };
}

function lockHolder(lockPath: string): number | null {
  try {
    const pid = Number(readFileSync(lockPath, 'utf8').split(' ')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}
