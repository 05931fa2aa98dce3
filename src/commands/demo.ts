import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { sweepInFlight } from '../capture/sweep.js';
import { feedSessions, writeSessionFiles } from '../demo/generate-io.js';
import { generateSessions } from '../demo/generate.js';
import { DEFAULT_CONFIG } from '../schema/config.js';
import { customPeriod } from '../time/period.js';
import { localDay } from '../store/paths.js';
import { listDays, readDayRecords } from '../store/records.js';
import { createContext, UsageError } from './context.js';
import { runReporting } from './reporting.js';

interface DemoOptions {
  days: string;
  promptsPerDay: string;
  seed: string;
  dir?: string;
}

function positiveInt(value: string, flag: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`${flag} must be a whole number from 1 to ${max}, got "${value}"`);
  return n;
}

export function demoCommand(): Command {
  return new Command('demo')
    .description('feed a realistic generated month of subagent activity through the real ingest path into a temporary logs folder, and show what was captured')
    .option('--days <n>', 'days of activity, ending today', '30')
    .option('--prompts-per-day <n>', 'user prompts per working day', '25')
    .option('--seed <n>', 'random seed (same seed, same activity)', '1')
    .option('--dir <path>', 'folder to create the demo project in (default: a new temporary folder)')
    .action(async (options: DemoOptions) => {
      const days = positiveInt(options.days, '--days', 400);
      const promptsPerDay = positiveInt(options.promptsPerDay, '--prompts-per-day', 2_000);
      const seed = positiveInt(options.seed, '--seed', 2 ** 31);
      const root = options.dir ? resolve(options.dir) : mkdtempSync(join(tmpdir(), 'agent-track-demo-'));
      const claudeHome = join(root, 'claude-home');
      const projectDir = join(root, 'project');
      const logsDir = join(projectDir, '.claude', 'execution-logs');
      mkdirSync(projectDir, { recursive: true });

      // One clock for the whole demo (AGENT_TRACK_NOW can set it): the days it
      // generates, the sessions it keeps (none ends after now) and the report's range.
      const ctx = createContext({ logsDir });
      const today = new Date(ctx.now);
      const startDay = new Date(today.getFullYear(), today.getMonth(), today.getDate() - (days - 1)).getTime();
      const started = Date.now();
      const sessions = generateSessions({ startDay, days, promptsPerDay, seed, projectDir, claudeHome, regressionDays: Math.min(7, Math.ceil(days / 4)), now: ctx.now });
      writeSessionFiles(claudeHome, sessions);
      const payloads = feedSessions(logsDir, sessions, DEFAULT_CONFIG);
      sweepInFlight(logsDir, DEFAULT_CONFIG, ctx.now);
      const elapsed = Date.now() - started;

      const issues: string[] = [];
      const records = listDays(logsDir).flatMap((day) => readDayRecords(logsDir, day, (issue) => issues.push(issue.path)));
      const out = process.stdout;
      out.write(`Fed ${payloads} hook payloads from ${sessions.length} Claude Code sessions (${days} days) through agent-track's ingest in ${(elapsed / 1000).toFixed(1)} s.\n`);
      out.write(`Captured ${records.length} subagent executions into ${logsDir}\n`);
      out.write('Here is the report over those days, as `agent-track report` shows it:\n\n');
      const lastDay = localDay(ctx.now);
      await runReporting(ctx, { kind: 'report', period: customPeriod(localDay(startDay), lastDay, lastDay), agents: null, format: 'table', out: undefined });
      out.write(
        [
          '',
          // From a clone the binary is not on PATH: npx finds this package's own.
          'Explore it (from this folder):',
          `  npx agent-track --logs-dir ${logsDir} report --weekly`,
          `  npx agent-track --logs-dir ${logsDir} trends --days ${days}`,
          `  npx agent-track --logs-dir ${logsDir} status`,
          `  npx agent-track --logs-dir ${logsDir} dashboard --open`,
          `  ls ${logsDir}`,
          '',
          'Track your own project: cd into it and run `npx agent-track install` (see README).',
          '',
        ].join('\n'),
      );
    });
}
