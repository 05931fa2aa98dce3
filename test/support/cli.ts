import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The built binary, driven the way Claude Code and users drive it.

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = `${REPO}bin/agent-track`;

function assertBuilt(): void {
  if (!existsSync(`${REPO}dist/hook.cjs`) || !existsSync(`${REPO}dist/cli.cjs`)) {
    throw new Error('dist/ is missing: run `npm run build` (npm test does it for you)');
  }
}

export interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const TEST_CONFIG_HOME = mkdtempSync(join(tmpdir(), 'agent-track-xdg-'));

const cleanEnv = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => {
  const out: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", ...env };
  // Tests choose their logs folder explicitly.
  if (!('AGENT_TRACK_LOGS_DIR' in env)) delete out.AGENT_TRACK_LOGS_DIR;
  if (!('CLAUDE_PROJECT_DIR' in env)) delete out.CLAUDE_PROJECT_DIR;
  // install and import remember projects in ~/.config/agent-track: never the real one.
  if (!('XDG_CONFIG_HOME' in env)) out.XDG_CONFIG_HOME = TEST_CONFIG_HOME;
  return out;
};

const toRun = (r: SpawnSyncReturns<Buffer>): Run => ({
  status: r.status,
  signal: r.signal,
  stdout: r.stdout.toString(),
  stderr: r.stderr.toString(),
});

export function runHook(input: string | Buffer, env: NodeJS.ProcessEnv, args: string[] = []): Run {
  assertBuilt();
  return toRun(spawnSync(process.execPath, [BIN, 'hook', ...args], { input, env: cleanEnv(env), timeout: 30_000 }));
}

export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {}): Run {
  assertBuilt();
  return toRun(
    spawnSync(process.execPath, [BIN, ...args], {
      env: cleanEnv(options.env ?? {}),
      cwd: options.cwd ?? REPO,
      input: options.input ?? '',
      timeout: 120_000,
    }),
  );
}

/** Start a hook process without waiting; resolves when it exits. */
export function startHook(input: string, env: NodeJS.ProcessEnv, options: { keepStdinOpen?: boolean } = {}) {
  assertBuilt();
  const child = spawn(process.execPath, [BIN, 'hook'], { env: cleanEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.on('error', () => {
    // Killed before it read its payload.
  });
  if (options.keepStdinOpen) child.stdin.write(input);
  else child.stdin.end(input);
  const done = new Promise<Run>((resolve) => child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr })));
  return { child, done };
}
