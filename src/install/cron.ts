import { join } from 'node:path';
import { sha256Hex } from '../store/hash.js';
import { EXPORT_LOG, PRUNE_LOG } from '../store/paths.js';
import { shellQuote } from './shell.js';

// The crontab entries `prune --cron` and `export --cron` print for the user to
// install (README: `(crontab -l; agent-track prune --cron) | crontab -`).
// Nothing here edits a crontab. Pure: paths in, text out.

export interface CronInput {
  /** Absolute path of the node binary (cron's PATH is minimal). */
  node: string;
  /** Absolute path of bin/agent-track. */
  bin: string;
  logsDir: string;
  /** A config file other than the default one beside the logs folder, if any. */
  configPath: string | null;
  /** The command's flags to pass on, e.g. ["--raw", "14d"]. */
  args: string[];
}

export interface CronJob {
  command: 'prune' | 'export';
  /** In the logs folder; the output is appended there. */
  log: string;
  /** For the comment line above the entry. */
  what: string;
  /** The entry's minute and hour fields for this logs folder. */
  when(logsDir: string): string;
}

// Times are derived from the logs folder, so many projects on one machine do
// not all start at once; the same folder always gets the same time.
const hashOf = (text: string) => Number.parseInt(sha256Hex(text).slice(0, 8), 16);

/** Daily between 03:00 and 05:59; prune rotates prune.log itself. */
export const PRUNE_JOB: CronJob = {
  command: 'prune',
  log: PRUNE_LOG,
  what: 'daily retention',
  when(logsDir) {
    const hash = hashOf(logsDir);
    return `${hash % 60} ${3 + (Math.floor(hash / 60) % 3)}`;
  },
};

/** Hourly. */
export const EXPORT_JOB: CronJob = {
  command: 'export',
  log: EXPORT_LOG,
  what: 'hourly OpenTelemetry export',
  when: (logsDir) => `${hashOf(`export ${logsDir}`) % 60} *`,
};

/** A comment naming the project, then the entry, its output appended to the job's log in the logs folder. */
export function cronEntry(job: CronJob, input: CronInput): string {
  const words = [input.node, input.bin, '--logs-dir', input.logsDir, ...(input.configPath ? ['--config', input.configPath] : []), job.command, ...input.args];
  const command = `${words.map(shellQuote).join(' ')} >> ${shellQuote(join(input.logsDir, job.log))} 2>&1`;
  const comment = `# agent-track: ${job.what} for ${input.logsDir}`.replace(/[\r\n]/g, ' ');
  return `${comment}\n${job.when(input.logsDir)} * * * ${escapePercent(command)}\n`;
}

/** cron turns an unescaped % into a newline, even inside quotes. */
function escapePercent(text: string): string {
  return text.replace(/%/g, '\\%');
}
