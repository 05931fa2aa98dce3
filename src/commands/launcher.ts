import { existsSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { cronEntry, type CronJob } from '../install/cron.js';
import { resolveConfigPath } from '../store/location.js';
import { UserError, type CommandContext } from './context.js';

// What a command line written for later (Claude Code's settings, a crontab)
// needs to start this same agent-track again.

/** bin/agent-track beside the dist/ folder this bundle runs from, links resolved, so the line survives a moved npx cache link. */
export function binPath(): string {
  const beside = resolve(__dirname, '..', 'bin', 'agent-track');
  return existsSync(beside) ? realpathSync(beside) : resolve(process.argv[1] ?? beside);
}

/** --config or AGENT_TRACK_CONFIG, when it is not the file a run without them would read anyway. */
export function explicitConfig(ctx: CommandContext): string | null {
  return ctx.configPath === resolveConfigPath(ctx.logsDir, {}) ? null : ctx.configPath;
}

/** The crontab entry that runs `job` for this project with `args`, for `prune --cron` and `export --cron` to print. */
export function cronEntryFor(ctx: CommandContext, job: CronJob, args: string[]): string {
  const input = { node: process.execPath, bin: binPath(), logsDir: ctx.logsDir, configPath: explicitConfig(ctx), args };
  // A crontab entry is one line: no quoting carries a line break through it.
  const broken = [input.node, input.bin, input.logsDir, input.configPath ?? '', ...args].find((word) => /[\r\n]/.test(word));
  if (broken !== undefined) throw new UserError(`cannot write a crontab entry: ${JSON.stringify(broken)} holds a line break`);
  return cronEntry(job, input);
}
