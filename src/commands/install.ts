import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { Command } from 'commander';
import { createTwoFilesPatch } from 'diff';
import {
  hookCommand,
  InvalidSettingsError,
  TRACKED_EVENTS,
  withAgentTrack,
  withoutAgentTrack,
  withoutStatusLine,
  withStatusLine,
  type Settings,
} from '../install/hook-entries.js';
import { writeFileAtomic } from '../store/atomic.js';
import { readRegularFile } from '../store/fs.js';
import { resolveLogsDir, resolveProjectDir } from '../store/location.js';
import { registerProjects, registryPath } from '../store/projects.js';
import { UsageError, UserError } from './context.js';
import { binPath } from './launcher.js';

interface ScopeOptions {
  user?: boolean;
  local?: boolean;
  dryRun?: boolean;
  statusline?: boolean;
  alerts?: boolean;
}

export function settingsPath(options: ScopeOptions, cwd: string): string {
  if (options.user && options.local) throw new UsageError('choose one of --user and --local');
  if (options.user) return join(homedir(), '.claude', 'settings.json');
  return join(cwd, '.claude', options.local ? 'settings.local.json' : 'settings.json');
}

interface SettingsFile {
  /** As the user knows it (messages, diffs). */
  path: string;
  /** Where the bytes live: a symlinked settings file (dotfiles) is written through, the link kept. */
  target: string;
  text: string | null;
  settings: Settings;
  mode: number | undefined;
}

/** Settings files are KB; one this big is not Claude Code's. */
const SETTINGS_MAX_BYTES = 16 * 1024 * 1024;

/** The settings file as it is; a file that is not valid JSON, or not a regular file (a FIFO would hang us), is refused, never rewritten. */
function readSettings(path: string): SettingsFile {
  const file = readRegularFile(path, SETTINGS_MAX_BYTES);
  if (!file.ok) {
    if (file.missing) return { path, target: linkTarget(path), text: null, settings: {}, mode: undefined };
    throw new UserError(`${file.problem}. Nothing was changed.`);
  }
  const text = file.bytes.toString('utf8');
  let settings: unknown;
  try {
    settings = text.trim() ? JSON.parse(text) : {};
  } catch (error) {
    throw new UserError(`${path} is not valid JSON (${(error as Error).message}). Fix it first; nothing was changed.`);
  }
  if (!settings || typeof settings !== 'object' || Array.isArray(settings)) {
    throw new UserError(`${path} is not a JSON object. Fix it first; nothing was changed.`);
  }
  return { path, target: linkTarget(path), text, settings: settings as Settings, mode: file.mode };
}

/** The file a path finally names, following symlinks even when the last one dangles (its target not written yet). */
function linkTarget(path: string): string {
  let current = path;
  for (let hops = 0; hops < 40; hops++) {
    try {
      return realpathSync(current);
    } catch {
      // Missing somewhere: follow the link by hand, if it is one.
    }
    try {
      if (!lstatSync(current).isSymbolicLink()) return current;
    } catch {
      return current;
    }
    current = resolve(dirname(current), readlinkSync(current));
  }
  return current;
}

function render(settings: Settings): string {
  return `${JSON.stringify(settings, null, 2)}\n`;
}

function applyChange(file: SettingsFile, next: Settings, dryRun: boolean, out: NodeJS.WritableStream): boolean {
  const before = file.text ?? '';
  const after = render(next);
  if (file.text !== null && JSON.stringify(file.settings) === JSON.stringify(next)) return false;
  if (dryRun) {
    out.write(createTwoFilesPatch(file.path, file.path, before, after, file.text === null ? '(new file)' : '', '', { context: 3 }));
    out.write('(dry run: nothing was changed)\n');
    return true;
  }
  writeFileAtomic(file.target, after, { mode: file.mode ?? 0o644 });
  return true;
}

function edit(file: SettingsFile, change: (settings: Settings) => Settings): Settings {
  try {
    return change(file.settings);
  } catch (error) {
    if (error instanceof InvalidSettingsError) throw new UserError(`${file.path}: ${error.message}. Fix it first; nothing was changed.`);
    throw error;
  }
}

export function installCommand(): Command {
  return new Command('install')
    .description('add the agent-track hooks to Claude Code settings (project .claude/settings.json by default)')
    .option('--user', 'install in ~/.claude/settings.json (every project)')
    .option('--local', 'install in .claude/settings.local.json (this project, not committed)')
    .option('--dry-run', 'show the change as a diff and change nothing')
    .option('--statusline', "also set Claude Code's statusLine to `agent-track statusline` (a statusline you have is kept and shown beside it)")
    .option('--alerts', 'also add a SessionStart hook that tells you when a budget is spent or near, or an agent is failing')
    .action((options: ScopeOptions, command: Command) => {
      const cwd = process.cwd();
      const out = process.stdout;
      const file = readSettings(settingsPath(options, cwd));
      const bin = binPath();
      const next = edit(file, (s) => {
        const hooked = withAgentTrack(s, hookCommand(process.execPath, bin), { alerts: options.alerts === true });
        return options.statusline ? withStatusLine(hooked, process.execPath, bin) : hooked;
      });
      const changed = applyChange(file, next, options.dryRun === true, out);
      if (options.dryRun) {
        if (!changed) out.write(`agent-track is already installed in ${file.path}; nothing to change.\n`);
        return;
      }
      const logsDir = options.user ? '<each project>/.claude/execution-logs' : resolveLogsDir({ flag: command.optsWithGlobals().logsDir, env: {}, cwd });
      // Remembered for reports across projects (`--all-projects`, `--project`).
      if (!options.user) registerProjects(registryPath(process.env, homedir()), [{ project: resolveProjectDir({ env: {}, cwd }), logsDir }], Date.now());
      if (!changed) {
        out.write(`agent-track is already installed in ${file.path}.\n`);
        return;
      }
      out.write(
        [
          `Installed agent-track hooks in ${file.path}`,
          `  events: ${TRACKED_EVENTS.map((e) => e.event).join(', ')}${options.alerts ? ', SessionStart (alerts)' : ''}`,
          `  runs:   ${process.execPath} ${bin} hook`,
          ...(options.statusline ? [`  statusLine: ${process.execPath} ${bin} statusline`] : []),
          `Claude Code picks them up in its next session. Records go to ${logsDir}.`,
          'Check the wiring any time with `agent-track doctor`.',
          '',
        ].join('\n'),
      );
      if (/[\\/]_npx[\\/]/.test(bin)) {
        out.write(
          `warning: this agent-track runs from npx's cache (${relative(homedir(), bin)}), which npx may clear.\n` +
            '         Install it for good (npm install -g agent-track, or as a project dev dependency) and run install again.\n',
        );
      }
    });
}

export function uninstallCommand(): Command {
  return new Command('uninstall')
    .description('remove the agent-track hooks and statusline from Claude Code settings, putting back a statusline of yours, leaving everything else as it was')
    .option('--user', 'remove from ~/.claude/settings.json')
    .option('--local', 'remove from .claude/settings.local.json')
    .option('--dry-run', 'show the change as a diff and change nothing')
    .action((options: ScopeOptions) => {
      const out = process.stdout;
      const file = readSettings(settingsPath(options, process.cwd()));
      const next = edit(file, (s) => withoutStatusLine(withoutAgentTrack(s)));
      if (file.text === null || !applyChange(file, next, options.dryRun === true, out)) {
        out.write(`agent-track hooks are not installed in ${file.path}; nothing to remove.\n`);
        return;
      }
      if (!options.dryRun) out.write(`Removed the agent-track hooks from ${file.path}. Recorded executions are kept.\n`);
    });
}
