import { join } from 'node:path';
import { sha256Hex } from '../store/hash.js';
import { PRUNE_LOG } from '../store/paths.js';

// `agent-track prune --cron`: a crontab entry for this project, printed for
// the user to install (README: `(crontab -l; agent-track prune --cron) | crontab -`).
// Nothing here edits a crontab. Pure: paths in, text out.

export interface CronInput {
  /** Absolute path of the node binary (cron's PATH is minimal). */
  node: string;
  /** Absolute path of bin/agent-track. */
  bin: string;
  logsDir: string;
  /** A config file other than the default one beside the logs folder, if any. */
  configPath: string | null;
  /** Retention flags to pass on, e.g. ["--raw", "14d"]. */
  args: string[];
}

/**
 * A comment naming the project, then the entry: daily between 03:00 and
 * 05:59 at a minute derived from the logs folder (many projects on one
 * machine do not all start at once), output appended to prune.log in the
 * logs folder, which prune rotates itself.
 */
export function cronEntry(input: CronInput): string {
  const hash = Number.parseInt(sha256Hex(input.logsDir).slice(0, 8), 16);
  const minute = hash % 60;
  const hour = 3 + (Math.floor(hash / 60) % 3);
  const words = [input.node, input.bin, '--logs-dir', input.logsDir, ...(input.configPath ? ['--config', input.configPath] : []), 'prune', ...input.args];
  const command = `${words.map(shellQuote).join(' ')} >> ${shellQuote(join(input.logsDir, PRUNE_LOG))} 2>&1`;
  const comment = `# agent-track: daily retention for ${input.logsDir}`.replace(/[\r\n]/g, ' ');
  return `${comment}\n${minute} ${hour} * * * ${escapePercent(command)}\n`;
}

/** One word for /bin/sh: bare when it is plainly safe, else in single quotes. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** cron turns an unescaped % into a newline, even inside quotes. */
export function escapePercent(text: string): string {
  return text.replace(/%/g, '\\%');
}
