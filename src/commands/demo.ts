import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { plural } from '../analytics/format.js';
import { sweepInFlight } from '../capture/sweep.js';
import { feedSessions, writeSessionFiles } from '../demo/generate-io.js';
import { generateSessions } from '../demo/generate.js';
import { DEFAULT_CONFIG } from '../schema/config.js';
import { customPeriod, localDay } from '../time/period.js';
import { listDays, readDayRecords } from '../store/records.js';
import { createContext } from './context.js';
import { wholeNumber } from './options.js';
import { runReporting } from './reporting.js';

interface DemoOptions {
  days: number;
  promptsPerDay: number;
  seed: number;
  dir?: string;
}

export function demoCommand(): Command {
  return new Command('demo')
    .description('feed a realistic generated month of subagent activity through the real ingest path into a temporary logs folder, and show what was captured')
    // Parsed and range-checked by commander, as the report commands' --days is.
    .addOption(new Option('--days <n>', 'days of activity, ending today').argParser(wholeNumber('--days', 1, 400)).default(30))
    .addOption(new Option('--prompts-per-day <n>', 'user prompts per working day').argParser(wholeNumber('--prompts-per-day', 1, 2_000)).default(25))
    .addOption(new Option('--seed <n>', 'random seed (same seed, same activity)').argParser(wholeNumber('--seed', 1, 2 ** 31)).default(1))
    .option('--dir <path>', 'folder to create the demo project in (default: a new temporary folder)')
    .action(async (options: DemoOptions) => {
      const { days, promptsPerDay, seed } = options;
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
      out.write(`Fed ${plural(payloads, 'hook payload')} from ${plural(sessions.length, 'Claude Code session')} (${plural(days, 'day')}) through agent-track's ingest in ${(elapsed / 1000).toFixed(1)} s.\n`);
      out.write(`Captured ${plural(records.length, 'subagent execution')} into ${logsDir}\n`);
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
