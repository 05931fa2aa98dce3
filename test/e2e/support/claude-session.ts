/**
 * Runs the real Claude Code binary (`claude -p`) in a throw-away project and HOME,
 * against the scripted API stand-in (fake-anthropic.ts), and hands back what happened.
 *
 * Typical use:
 *   const api = await startFakeAnthropic({ scripts: single.scripts });
 *   const s = await runClaude({ apiUrl: api.url, prompt: single.prompt,
 *     hooks: captureHooks(['SubagentStart', 'SubagentStop']) });
 *   const events = readCapture(s.dirs.captureFile);
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Repository root (this file lives in <repo>/test/e2e/support). E2E_REPO_ROOT overrides it
 * for ad-hoc experiment scripts bundled elsewhere.
 */
export const REPO_ROOT = process.env.E2E_REPO_ROOT ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** The raw-capture hook script. */
export const CAPTURE_HOOK = path.join(REPO_ROOT, 'test/e2e/support/capture-hook.mjs');

// ---------------------------------------------------------------------------
// Locating the binary

/**
 * A Claude Code release the end-to-end suite runs against. Both are dev dependencies, so
 * `npm ci` installs them from the registry: the oldest supported release under its own
 * name, the current one under an npm alias (`claude-code-current`), because one
 * node_modules cannot hold two versions of a package under the same name.
 */
export interface ClaudeRelease {
  /** e.g. "2.1.197". */
  version: string;
  /** Folder under node_modules holding the package. */
  packageName: string;
  /**
   * 'oldest': the oldest supported release; 'current': the release users run today;
   * 'legacy': a release before 2.1.2, whose transcripts only import's own test runs.
   */
  role: 'oldest' | 'current' | 'legacy';
}

/** The dev dependency name of the current release (an alias of @anthropic-ai/claude-code). */
export const CURRENT_ALIAS = 'claude-code-current';

/**
 * The releases pinned in package.json, oldest first. Read from package.json so that
 * `npm run bump:claude-code` only has to change the pin.
 */
export function claudeReleases(repoRoot = REPO_ROOT): ClaudeRelease[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string> };
  const dev = pkg.devDependencies ?? {};
  const oldest = dev['@anthropic-ai/claude-code'];
  const current = /^npm:@anthropic-ai\/claude-code@(.+)$/.exec(dev[CURRENT_ALIAS] ?? '')?.[1];
  if (!oldest || !current) throw new Error(`package.json must pin @anthropic-ai/claude-code and ${CURRENT_ALIAS} (npm:@anthropic-ai/claude-code@<version>)`);
  return [
    { version: oldest, packageName: '@anthropic-ai/claude-code', role: 'oldest' },
    { version: current, packageName: CURRENT_ALIAS, role: 'current' },
  ];
}

/** Every release the suite runs each scenario on; E2E_CLAUDE=2.1.332 (a version or a role) narrows it to one. */
export const CLAUDE_RELEASES: ClaudeRelease[] = claudeReleases().filter(
  (r) => !process.env.E2E_CLAUDE || process.env.E2E_CLAUDE === r.version || process.env.E2E_CLAUDE === r.role,
);
/** The oldest supported release: the default of every session. */
export const OLDEST: ClaudeRelease = claudeReleases()[0]!;

/** The dev dependency name of the pre-2.1.2 release import-legacy.e2e.test.ts runs. */
export const LEGACY_ALIAS = 'claude-code-legacy';

/**
 * Claude Code 2.0.77 (package.json's `claude-code-legacy`): agent-<id>.jsonl beside the
 * session file, and the first hooks agent-track can use (see docs/claude-code-observations.md,
 * "Before subagents/"). Not one of CLAUDE_RELEASES: only import's test runs it.
 */
export function legacyRelease(repoRoot = REPO_ROOT): ClaudeRelease {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string> };
  const version = /^npm:@anthropic-ai\/claude-code@(.+)$/.exec(pkg.devDependencies?.[LEGACY_ALIAS] ?? '')?.[1];
  if (!version) throw new Error(`package.json must pin ${LEGACY_ALIAS} (npm:@anthropic-ai/claude-code@<version>)`);
  return { version, packageName: LEGACY_ALIAS, role: 'legacy' };
}

export interface ClaudeCommand {
  /** Executable to spawn. */
  command: string;
  /** Arguments to put before the session's own arguments. */
  prefixArgs: string[];
  /** How it was found, for messages. */
  via: 'package-bin' | 'platform-package' | 'cli-js' | 'cli-wrapper';
}

function isNativeBinary(file: string): boolean {
  try {
    const fd = fs.openSync(file, 'r');
    const buf = Buffer.alloc(4);
    fs.readSync(fd, buf, 0, 4, 0);
    fs.closeSync(fd);
    // ELF (Linux), Mach-O (macOS) or PE (Windows). Without its postinstall the npm
    // package leaves a 500-byte shell stub there that only prints an error.
    const magic = buf.toString('hex');
    return magic === '7f454c46' || magic.startsWith('cffaedfe') || magic.startsWith('cefaedfe') || magic.startsWith('4d5a');
  } catch {
    return false;
  }
}

const cachedCommands = new Map<string, ClaudeCommand>();

/**
 * Finds one release of Claude Code, inside its own package folder (never
 * `node_modules/.bin/claude`: with two releases installed, which one npm links there is
 * an accident): the package's `bin/claude.exe` when it is the native binary (its
 * postinstall ran), else the binary of its platform package
 * (`@anthropic-ai/claude-code-<platform>`, nested under the package for the alias, or
 * top level when its version is the one asked for), else `node cli.js` (releases before 2.1), else `node cli-wrapper.cjs`. The
 * wrapper is the last resort because it puts a Node process between us and claude, so
 * signals sent to the child reach the wrapper, not Claude Code.
 */
export function findClaude(release: ClaudeRelease = OLDEST, repoRoot = REPO_ROOT): ClaudeCommand {
  const key = `${repoRoot}\0${release.packageName}`;
  const cached = cachedCommands.get(key);
  if (cached) return cached;
  const modules = path.join(repoRoot, 'node_modules');
  const pkgDir = path.join(modules, release.packageName);
  const installed = (dir: string) => {
    try {
      return (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version?: string }).version;
    } catch {
      return undefined;
    }
  };
  if (installed(pkgDir) !== release.version) {
    throw new Error(`Claude Code ${release.version} is not installed at ${pkgDir} (found ${installed(pkgDir) ?? 'nothing'}): run npm ci`);
  }
  const exe = process.platform === 'win32' ? 'claude.exe' : 'claude';
  let found: ClaudeCommand | undefined;
  const packageBin = path.join(pkgDir, 'bin', 'claude.exe');
  if (isNativeBinary(packageBin)) found = { command: packageBin, prefixArgs: [], via: 'package-bin' };
  if (!found) {
    const musl = process.platform === 'linux' && !(process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header?.glibcVersionRuntime;
    const platform = `claude-code-${process.platform}-${process.arch}${musl ? '-musl' : ''}`;
    for (const dir of [path.join(pkgDir, 'node_modules/@anthropic-ai', platform), path.join(modules, '@anthropic-ai', platform)]) {
      if (installed(dir) === release.version && isNativeBinary(path.join(dir, exe))) {
        found = { command: path.join(dir, exe), prefixArgs: [], via: 'platform-package' };
        break;
      }
    }
  }
  // Releases before 2.1.x ship as plain JavaScript: `node cli.js`.
  if (!found && fs.existsSync(path.join(pkgDir, 'cli.js'))) found = { command: process.execPath, prefixArgs: [path.join(pkgDir, 'cli.js')], via: 'cli-js' };
  if (!found) {
    const wrapper = path.join(pkgDir, 'cli-wrapper.cjs');
    if (!fs.existsSync(wrapper)) throw new Error(`Claude Code ${release.version}: no binary and no cli-wrapper.cjs in ${pkgDir} (run npm ci)`);
    found = { command: process.execPath, prefixArgs: [wrapper], via: 'cli-wrapper' };
  }
  cachedCommands.set(key, found);
  return found;
}

// ---------------------------------------------------------------------------
// Project and HOME

export interface AgentFile {
  /** `name:` in the front matter; the subagent_type. */
  name: string;
  description?: string;
  /** e.g. "Bash, Read, Write"; omitted = all tools. */
  tools?: string;
  model?: string;
  /** System prompt body. */
  body?: string;
}

export type HookCommand = {
  type: 'command';
  command: string;
  args?: string[];
  timeout?: number;
  async?: boolean;
};
export type HookMatcher = { matcher?: string; hooks: (HookCommand | { type: string; [k: string]: unknown })[] };
export type HooksConfig = Record<string, HookMatcher[]>;

export interface SessionDirs {
  /** Temp root holding everything below; removed by cleanup(). */
  root: string;
  /** The temporary HOME (holds .claude.json and .claude/projects/... transcripts). */
  home: string;
  /** The project folder claude runs in (cwd, CLAUDE_PROJECT_DIR). */
  project: string;
  /** Default output file for captureHooks(). */
  captureFile: string;
  /** `<home>/.claude/projects/<project path with / → ->`: where transcripts land. */
  transcriptsDir: string;
}

export interface ProjectOptions {
  /** Custom agents written to .claude/agents/<name>.md. */
  agents?: (string | AgentFile)[];
  /** `hooks` of .claude/settings.json; a function gets the dirs (for absolute paths). */
  hooks?: HooksConfig | ((dirs: SessionDirs) => HooksConfig);
  /** Extra keys merged into .claude/settings.json (after permissions and hooks). */
  settings?: Record<string, unknown>;
  /** Extra files to write, relative to the project. */
  files?: Record<string, string>;
  /** Temp folder prefix. */
  prefix?: string;
}

export const DEFAULT_ALLOW = ['Bash(*)', 'Write', 'Read', 'Edit', 'Grep', 'Agent'];

function agentMarkdown(a: AgentFile): string {
  const lines = ['---', `name: ${a.name}`, `description: ${a.description ?? `Scripted test agent ${a.name}`}`];
  if (a.tools) lines.push(`tools: ${a.tools}`);
  if (a.model) lines.push(`model: ${a.model}`);
  lines.push('---', '', a.body ?? `You are ${a.name}, a scripted test agent.`, '');
  return lines.join('\n');
}

/** Claude Code's folder name for a project path: every non-alphanumeric char becomes '-'. */
export function projectSlug(projectDir: string): string {
  return projectDir.replace(/[^a-zA-Z0-9]/g, '-');
}

/**
 * Creates temp HOME + project: trust entry in $HOME/.claude.json, permissions (and hooks)
 * in .claude/settings.json, and agent files. Real paths are used (os.tmpdir() may be a
 * symlink) so they match what Claude Code reports.
 */
export function createProject(opts: ProjectOptions = {}): SessionDirs {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), opts.prefix ?? 'at-e2e-')));
  const home = path.join(root, 'home');
  const project = path.join(root, 'project');
  fs.mkdirSync(path.join(home, '.claude'), { recursive: true });
  fs.mkdirSync(path.join(project, '.claude', 'agents'), { recursive: true });
  const dirs: SessionDirs = {
    root,
    home,
    project,
    captureFile: path.join(root, 'capture.jsonl'),
    transcriptsDir: path.join(home, '.claude', 'projects', projectSlug(project)),
  };
  fs.writeFileSync(
    path.join(home, '.claude.json'),
    JSON.stringify({ projects: { [project]: { hasTrustDialogAccepted: true } } }, null, 2),
  );
  const hooks = typeof opts.hooks === 'function' ? opts.hooks(dirs) : opts.hooks;
  // defaultMode 'default': 2.1.332's interactive session starts in "auto mode", whose
  // safety check is a server-side call the API stand-in does not have, so it stops at
  // the first tool call. -p sessions run in 'default' on every release.
  const settings: Record<string, unknown> = { permissions: { allow: DEFAULT_ALLOW, defaultMode: 'default' } };
  if (hooks) settings.hooks = hooks;
  Object.assign(settings, opts.settings);
  fs.writeFileSync(path.join(project, '.claude', 'settings.json'), JSON.stringify(settings, null, 2));
  for (const a of opts.agents ?? []) {
    const def = typeof a === 'string' ? { name: a } : a;
    fs.writeFileSync(path.join(project, '.claude', 'agents', `${def.name}.md`), agentMarkdown(def));
  }
  for (const [rel, content] of Object.entries(opts.files ?? {})) {
    const p = path.join(project, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
  return dirs;
}

export interface PluginOptions {
  /** Plugin name in .claude-plugin/plugin.json; agent types become `<name>:<agent>`. */
  name: string;
  /** agents/<name>.md files. */
  agents?: (string | AgentFile)[];
  /** hooks/hooks.json content (`{hooks: ...}` is added around it). */
  hooks?: HooksConfig;
  /** Extra files relative to the plugin dir. */
  files?: Record<string, string>;
}

/** Writes a plugin folder usable with `--plugin-dir`. */
export function createPlugin(dir: string, opts: PluginOptions): string {
  fs.mkdirSync(path.join(dir, '.claude-plugin'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, '.claude-plugin', 'plugin.json'),
    JSON.stringify({ name: opts.name, version: '0.0.0', description: `test plugin ${opts.name}` }, null, 2),
  );
  if (opts.agents?.length) {
    fs.mkdirSync(path.join(dir, 'agents'), { recursive: true });
    for (const a of opts.agents) {
      const def = typeof a === 'string' ? { name: a } : a;
      fs.writeFileSync(path.join(dir, 'agents', `${def.name}.md`), agentMarkdown(def));
    }
  }
  if (opts.hooks) {
    fs.mkdirSync(path.join(dir, 'hooks'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'hooks', 'hooks.json'), JSON.stringify({ hooks: opts.hooks }, null, 2));
  }
  for (const [rel, content] of Object.entries(opts.files ?? {})) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
  return dir;
}

// ---------------------------------------------------------------------------
// Hook config for the capture hook

export interface CaptureOptions {
  /** Output file; default: the session's captureFile (needs the function form). */
  file?: string;
  /** Matcher per event; default `Agent|Task` for tool events, none for the others. */
  matchers?: Record<string, string | undefined>;
  /** Extra capture-hook.mjs arguments (e.g. ['--sleep-ms', '500', '--sleep-on', 'SubagentStop']). */
  extraArgs?: string[] | ((event: string) => string[]);
  /** Exec form (`command` = node, `args` = [...]) instead of a shell command line. */
  execForm?: boolean;
  timeout?: number;
  async?: boolean;
}

export const TOOL_EVENTS = new Set(['PreToolUse', 'PostToolUse', 'PostToolUseFailure', 'PermissionRequest']);

export const shellQuote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/**
 * Hook config that runs capture-hook.mjs for each event. Returns a function of the
 * session dirs unless `file` is given, so it can be passed straight as `hooks`.
 */
export function captureHooks(events: string[], opts: CaptureOptions = {}): (dirs: SessionDirs) => HooksConfig {
  return (dirs) => {
    const file = opts.file ?? dirs.captureFile;
    const cfg: HooksConfig = {};
    for (const ev of events) {
      const extra = typeof opts.extraArgs === 'function' ? opts.extraArgs(ev) : (opts.extraArgs ?? []);
      const args = [CAPTURE_HOOK, file, '--tag', ev, ...extra];
      const hook: HookCommand = opts.execForm
        ? { type: 'command', command: process.execPath, args }
        : { type: 'command', command: [process.execPath, ...args].map(shellQuote).join(' ') };
      if (opts.timeout !== undefined) hook.timeout = opts.timeout;
      if (opts.async !== undefined) hook.async = opts.async;
      const matcher = opts.matchers && ev in opts.matchers ? opts.matchers[ev] : TOOL_EVENTS.has(ev) ? 'Agent|Task' : undefined;
      const entry: HookMatcher = { hooks: [hook] };
      if (matcher !== undefined) entry.matcher = matcher;
      (cfg[ev] ??= []).push(entry);
    }
    return cfg;
  };
}

/** Merges hook configs (e.g. capture hooks plus the product's hook). */
export function mergeHooks(...cfgs: (HooksConfig | ((d: SessionDirs) => HooksConfig))[]): (d: SessionDirs) => HooksConfig {
  return (d) => {
    const out: HooksConfig = {};
    for (const c of cfgs) {
      const cfg = typeof c === 'function' ? c(d) : c;
      for (const [ev, list] of Object.entries(cfg)) (out[ev] ??= []).push(...list);
    }
    return out;
  };
}

export interface CaptureRecord {
  phase: 'start' | 'end' | 'signal';
  tag?: string;
  event?: string;
  processStart?: number;
  startedAt?: number;
  at: number;
  pid: number;
  ppid?: number;
  pgid?: number;
  argv?: string[];
  env?: Record<string, string>;
  stdin?: { closed: boolean; ms: number; bytes: number };
  files?: { metaExists: boolean; meta?: Record<string, unknown>; transcriptExists: boolean };
  signal?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  payload?: any;
}

/** All lines of a jsonl file (missing file = []). */
export function readJsonl<T = unknown>(file: string): T[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

/** Records of the capture hook; by default only the 'start' records (one per hook run). */
export function readCapture(file: string, all = false): CaptureRecord[] {
  const recs = readJsonl<CaptureRecord>(file);
  return all ? recs : recs.filter((r) => r.phase === 'start');
}

/** Compact label of a hook record: `PreToolUse:Agent`, `SubagentStart:general-purpose`... */
export function label(r: CaptureRecord): string {
  const p = r.payload ?? {};
  const ev = p.hook_event_name ?? r.event ?? '?';
  if (p.tool_name) return `${ev}:${p.tool_name}`;
  if (ev === 'SubagentStart' || ev === 'SubagentStop') return `${ev}:${p.agent_type}`;
  if (ev === 'SessionEnd') return `${ev}:${p.reason}`;
  return ev;
}

// ---------------------------------------------------------------------------
// Running

export interface ClaudeResultJson {
  type: 'result';
  subtype: string;
  is_error: boolean;
  result?: string;
  session_id: string;
  num_turns: number;
  duration_ms: number;
  usage: Record<string, unknown>;
  modelUsage: Record<string, Record<string, number>>;
  [k: string]: unknown;
}

export interface SessionOptions extends ProjectOptions {
  /** Base URL of the API stand-in. */
  apiUrl: string;
  /** The Claude Code release to run; default: the oldest supported one. */
  claude?: ClaudeRelease;
  /** `-p` prompt. Omit with `args` to build the whole command line yourself. */
  prompt?: string;
  /** Replaces the default `-p <prompt> --output-format json` arguments. */
  args?: string[];
  /** Appended to the arguments. */
  extraArgs?: string[];
  /** Each becomes `--plugin-dir <dir>`. */
  pluginDirs?: string[];
  /** Extra environment (undefined deletes). */
  env?: Record<string, string | undefined>;
  /** Use existing dirs (from createProject) instead of making new ones. */
  dirs?: SessionDirs;
  /** Hard limit: the process group gets SIGKILL after this. Default 60 s. */
  timeoutMs?: number;
  /** Send a signal once `when` resolves (then, optionally, after `delayMs`). */
  interrupt?: {
    signal: NodeJS.Signals;
    when: (s: RunningSession) => Promise<unknown>;
    delayMs?: number;
    /** 'process' (default): claude only; 'group': its whole process group, like Ctrl-C in a terminal. */
    target?: 'process' | 'group';
  };
  /**
   * After claude exits, wait this long before killing what it left running (hook
   * processes it did not wait for still get to write). Default 0.
   */
  settleMs?: number;
  /** Keep stdin open as a pipe (stream-json input); default: stdin is /dev/null. */
  stdinPipe?: boolean;
}

export interface SessionResult {
  /** pid of the claude process. */
  pid: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Parsed `--output-format json` result, when stdout held one. */
  result?: ClaudeResultJson;
  dirs: SessionDirs;
  /** Wall time of the process (spawn to exit). */
  durationMs: number;
  /** When the claude process exited (ms since the epoch). */
  exitedAt: number;
  /** Signal sent by `interrupt`, and when (ms since the epoch). */
  interrupted?: { signal: NodeJS.Signals; at: number };
  timedOut: boolean;
  /** The session id (from the result, or from the transcript file name). */
  sessionId?: string;
}

export interface RunningSession {
  dirs: SessionDirs;
  child: ChildProcess;
  pid: number;
  startedAt: number;
  /** Signal claude ('process') or its process group ('group'). */
  kill(signal: NodeJS.Signals, target?: 'process' | 'group'): void;
  /** Write a line to stdin (stdinPipe mode). */
  send(obj: unknown): void;
  /** stdout so far (e.g. to wait for a stream-json message). */
  stdout(): string;
  done: Promise<SessionResult>;
}

/** Resolves when `file` exists and (optionally) its content satisfies pred; polls. */
export async function waitForFile(
  file: string,
  pred: (content: string) => boolean = () => true,
  timeoutMs = 30_000,
  pollMs = 25,
): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const c = fs.readFileSync(file, 'utf8');
      if (pred(c)) return c;
    } catch {
      /* not there yet */
    }
    if (Date.now() > end) throw new Error(`waitForFile: ${file} not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** Resolves when the capture file holds a record matching pred. */
export function waitForCapture(file: string, pred: (r: CaptureRecord) => boolean, timeoutMs = 30_000) {
  return waitForFile(
    file,
    (c) =>
      c
        .split('\n')
        .filter((l) => l.trim())
        .some((l) => {
          try {
            return pred(JSON.parse(l));
          } catch {
            return false;
          }
        }),
    timeoutMs,
  );
}

/** The environment claude runs with: a clean one, pointed at the stand-in and the temp HOME. */
export function sessionEnv(dirs: SessionDirs, apiUrl: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // Nothing of the developer's own Claude Code session (CLAUDECODE, CLAUDE_*) leaks in.
  for (const k of ['PATH', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'USER', 'LOGNAME', 'SHELL', 'TERM']) {
    if (process.env[k] !== undefined) env[k] = process.env[k];
  }
  Object.assign(env, {
    HOME: dirs.home,
    ANTHROPIC_BASE_URL: apiUrl,
    ANTHROPIC_API_KEY: 'test',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
  });
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Starts `claude` and returns at once; `done` resolves when it exits. */
export function startClaude(opts: SessionOptions): RunningSession {
  const dirs = opts.dirs ?? createProject(opts);
  const cmd = findClaude(opts.claude);
  const args = [...cmd.prefixArgs];
  if (opts.args) args.push(...opts.args);
  else {
    if (opts.prompt === undefined) throw new Error('startClaude: prompt or args required');
    args.push('-p', opts.prompt, '--output-format', 'json');
  }
  for (const d of opts.pluginDirs ?? []) args.push('--plugin-dir', d);
  args.push(...(opts.extraArgs ?? []));

  const env = sessionEnv(dirs, opts.apiUrl, opts.env);

  const startedAt = Date.now();
  // detached: claude leads its own process group, so 'group' signals and the final
  // cleanup reach its Bash children and hook processes, and nothing else.
  const child = spawn(cmd.command, args, {
    cwd: dirs.project,
    env,
    detached: true,
    stdio: [opts.stdinPipe ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${cmd.command}`);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));

  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      /* group gone */
    }
  };
  const running: RunningSession = {
    dirs,
    child,
    pid,
    startedAt,
    kill(signal, target = 'process') {
      if (target === 'group') killGroup(signal);
      else child.kill(signal);
    },
    send(obj) {
      child.stdin?.write(JSON.stringify(obj) + '\n');
    },
    stdout: () => stdout,
    done: undefined as unknown as Promise<SessionResult>,
  };

  let timedOut = false;
  let interrupted: SessionResult['interrupted'];
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup('SIGKILL');
  }, opts.timeoutMs ?? 60_000);

  let exitedAt = 0;
  child.on('exit', () => (exitedAt = Date.now()));
  // 'close' also waits for stdout/stderr to end, which hook processes can hold open.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  if (opts.interrupt) {
    const it = opts.interrupt;
    let over = false;
    void exited.then(() => (over = true));
    it.when(running)
      .then(async () => {
        if (it.delayMs) await new Promise((r) => setTimeout(r, it.delayMs));
        if (over) return;
        interrupted = { signal: it.signal, at: Date.now() };
        running.kill(it.signal, it.target ?? 'process');
      })
      .catch(() => {
        /* condition never met: the session just runs to its end or timeout */
      });
  }

  running.done = exited.then(async ({ code, signal }) => {
    clearTimeout(timer);
    if (opts.settleMs) await new Promise((r) => setTimeout(r, opts.settleMs));
    // Whatever claude left behind in its group (a `sleep 30` of a killed session, a
    // background hook) must not outlive the test.
    killGroup('SIGKILL');
    killLeftovers(dirs);
    let result: ClaudeResultJson | undefined;
    const trimmed = stdout.trim();
    if (trimmed.startsWith('{')) {
      try {
        result = JSON.parse(trimmed);
      } catch {
        /* not a single JSON document */
      }
    }
    let sessionId = result?.session_id;
    if (!sessionId && fs.existsSync(dirs.transcriptsDir)) {
      const main = fs.readdirSync(dirs.transcriptsDir).find((f) => f.endsWith('.jsonl'));
      if (main) sessionId = main.replace(/\.jsonl$/, '');
    }
    const r: SessionResult = {
      pid,
      exitCode: code,
      signal,
      stdout,
      stderr,
      dirs,
      durationMs: (exitedAt || Date.now()) - startedAt,
      exitedAt: exitedAt || Date.now(),
      timedOut,
    };
    if (result) r.result = result;
    if (interrupted) r.interrupted = interrupted;
    if (sessionId) r.sessionId = sessionId;
    return r;
  });
  return running;
}

/**
 * Kills (SIGKILL, by pid) every process still running with this session's HOME in its
 * environment: what claude started and left behind outside its own process group, e.g.
 * a Bash tool's `sleep 30` orphaned by an interrupt, or a hook still running. Returns
 * the pids it killed. Linux only (reads /proc); a no-op elsewhere.
 */
export function killLeftovers(dirs: SessionDirs): number[] {
  const killed: number[] = [];
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return killed;
  }
  const needle = `\0HOME=${dirs.home}\0`;
  for (const d of entries) {
    const pid = Number(d);
    if (pid === process.pid) continue;
    try {
      const env = `\0${fs.readFileSync(`/proc/${d}/environ`, 'utf8')}`;
      if (!env.includes(needle)) continue;
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
    } catch {
      /* gone or not ours */
    }
  }
  return killed;
}

/** pids of the processes running with this session's HOME whose command line matches `re` (Linux: /proc). */
export function sessionProcesses(dirs: SessionDirs, re: RegExp): number[] {
  const needle = `\0HOME=${dirs.home}\0`;
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return pids;
  }
  for (const d of entries) {
    try {
      if (!`\0${fs.readFileSync(`/proc/${d}/environ`, 'utf8')}`.includes(needle)) continue;
      if (re.test(fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').join(' ').trim())) pids.push(Number(d));
    } catch {
      /* gone or not ours */
    }
  }
  return pids;
}

/**
 * Resolves once a process of the session matches `re`: e.g. the `sleep 30` a Bash tool
 * runs, which proves the tool is under way. Interrupt tests wait for this rather than
 * for a fixed delay after the API answered, which on a busy machine sometimes fired
 * before Claude Code had started the tool, and so tested another moment.
 */
export async function waitForProcess(dirs: SessionDirs, re: RegExp, timeoutMs = 30_000): Promise<number> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const [pid] = sessionProcesses(dirs, re);
    if (pid !== undefined) return pid;
    if (Date.now() > end) throw new Error(`waitForProcess: nothing matching ${re} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Runs a whole session and waits for it. */
export function runClaude(opts: SessionOptions): Promise<SessionResult> {
  return startClaude(opts).done;
}

/** Removes the temp folders of a session. */
export function cleanup(dirs: SessionDirs): void {
  fs.rmSync(dirs.root, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------
// Transcripts

/** `<transcriptsDir>/<session>/subagents`. */
export function subagentsDir(dirs: SessionDirs, sessionId: string): string {
  return path.join(dirs.transcriptsDir, sessionId, 'subagents');
}

export interface TranscriptUsage {
  /** Usage of the last assistant line. */
  last?: Record<string, number>;
  /** input+cache_creation+cache_read+output of the last assistant line. */
  lastTotal: number;
  /** Sums over assistant lines, each message.id counted once. */
  sum: { input_tokens: number; output_tokens: number; cache_read_input_tokens: number; cache_creation_input_tokens: number };
  /** Number of distinct API messages (message.id). */
  messages: number;
  /** tool_use blocks. */
  toolUses: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
}

/** Token figures of one transcript, the way a tracker would read them. */
export function transcriptUsage(file: string): TranscriptUsage {
  type Line = {
    type?: string;
    timestamp?: string;
    message?: { id?: string; usage?: Record<string, number>; content?: { type: string }[] | string };
  };
  const lines = readJsonl<Line>(file);
  const seen = new Set<string>();
  const out: TranscriptUsage = {
    lastTotal: 0,
    sum: { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
    messages: 0,
    toolUses: 0,
  };
  for (const l of lines) {
    if (l.timestamp) {
      out.firstTimestamp ??= l.timestamp;
      out.lastTimestamp = l.timestamp;
    }
    if (l.type !== 'assistant' || !l.message) continue;
    if (Array.isArray(l.message.content)) out.toolUses += l.message.content.filter((b) => b.type === 'tool_use').length;
    const u = l.message.usage;
    if (!u) continue;
    out.last = u;
    const id = l.message.id ?? `line${seen.size}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.messages++;
    for (const k of Object.keys(out.sum) as (keyof TranscriptUsage['sum'])[]) out.sum[k] += u[k] ?? 0;
  }
  if (out.last) {
    const u = out.last;
    out.lastTotal =
      (u.input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0) + (u.output_tokens ?? 0);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Interactive sessions (the TUI), driven through tmux

export interface InteractiveSession {
  dirs: SessionDirs;
  /** tmux session name. */
  name: string;
  /** Type text literally (no Enter). */
  type(text: string): void;
  /** Send tmux key names: 'Enter', 'Escape', 'C-c'... */
  keys(...keys: string[]): void;
  /** Type a line and press Enter. */
  submit(text: string): Promise<void>;
  /** The visible screen. */
  screen(): string;
  /** Resolves when the screen matches. */
  waitForScreen(re: RegExp, timeoutMs?: number): Promise<string>;
  /** Kills the tmux session and whatever claude left running. */
  stop(): void;
}

/** True when tmux is installed (interactive tests need it). */
export function hasTmux(): boolean {
  try {
    return spawnSync('tmux', ['-V'], { encoding: 'utf8' }).status === 0;
  } catch {
    return false;
  }
}

/**
 * Starts the interactive TUI in a detached tmux session, with onboarding and the API-key
 * prompt pre-answered in $HOME/.claude.json. Use it for what -p cannot do, such as a real
 * Esc while an agent runs.
 */
export function startInteractive(opts: ProjectOptions & { apiUrl: string; args?: string[]; env?: Record<string, string | undefined>; dirs?: SessionDirs; claude?: ClaudeRelease }): InteractiveSession {
  const dirs = opts.dirs ?? createProject(opts);
  const cfgPath = path.join(dirs.home, '.claude.json');
  const cfg = JSON.parse(fs.readFileSync(cfgPath, 'utf8'));
  Object.assign(cfg, { hasCompletedOnboarding: true, theme: 'dark', customApiKeyResponses: { approved: ['test'], rejected: [] } });
  cfg.projects[dirs.project].hasCompletedProjectOnboarding = true;
  fs.writeFileSync(cfgPath, JSON.stringify(cfg, null, 2));
  const cmd = findClaude(opts.claude);
  const env = sessionEnv(dirs, opts.apiUrl, { TERM: 'xterm-256color', ...opts.env });
  const name = `at-e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const envArgs = Object.entries(env).map(([k, v]) => shellQuote(`${k}=${v}`));
  const line = ['env', '-i', ...envArgs, ...[cmd.command, ...cmd.prefixArgs, ...(opts.args ?? [])].map(shellQuote)].join(' ');
  const tmux = (...a: string[]) => {
    const r = spawnSync('tmux', a, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tmux ${a[0]}: ${r.stderr}`);
    return r.stdout;
  };
  tmux('new-session', '-d', '-s', name, '-x', '160', '-y', '50', '-c', dirs.project, line);
  const screen = () => tmux('capture-pane', '-p', '-t', name);
  const session: InteractiveSession = {
    dirs,
    name,
    type: (text) => void tmux('send-keys', '-t', name, '-l', text),
    keys: (...keys) => void tmux('send-keys', '-t', name, ...keys),
    async submit(text) {
      session.type(text);
      // The TUI treats a very fast Enter after pasted text as part of the paste.
      await new Promise((r) => setTimeout(r, 300));
      session.keys('Enter');
    },
    screen,
    async waitForScreen(re, timeoutMs = 20_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        let s = '';
        try {
          s = screen();
        } catch {
          /* session gone */
        }
        if (re.test(s)) return s;
        if (Date.now() > end) throw new Error(`screen never matched ${re}:\n${s}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    stop() {
      spawnSync('tmux', ['kill-session', '-t', name]);
      killLeftovers(dirs);
    },
  };
  return session;
}
