import { join } from 'node:path';
import { escapePercent, shellQuote } from '../retention/cron.js';
import { sha256Hex } from '../store/hash.js';
import { EXPORT_LOG } from '../store/paths.js';

// `agent-track export --cron`: a crontab entry that exports this project every
// hour, printed for the user to install (as `prune --cron` does). Pure.

export interface ExportCronInput {
  node: string;
  bin: string;
  logsDir: string;
  configPath: string | null;
  /** The export flags to pass on, e.g. ["--endpoint", "https://otel.example:4318"]. */
  args: string[];
}

/** Hourly at a minute derived from the logs folder (many projects on one machine do not all send at once), output appended to export.log. */
export function exportCronEntry(input: ExportCronInput): string {
  const minute = Number.parseInt(sha256Hex(`export ${input.logsDir}`).slice(0, 8), 16) % 60;
  const words = [input.node, input.bin, '--logs-dir', input.logsDir, ...(input.configPath ? ['--config', input.configPath] : []), 'export', ...input.args];
  const command = `${words.map(shellQuote).join(' ')} >> ${shellQuote(join(input.logsDir, EXPORT_LOG))} 2>&1`;
  const comment = `# agent-track: hourly OpenTelemetry export for ${input.logsDir}`.replace(/[\r\n]/g, ' ');
  return `${comment}\n${minute} * * * * ${escapePercent(command)}\n`;
}
