import { existsSync } from 'node:fs';
import { flagValue, readPayload } from './live/statusline-io.js';
import { resolveLogsDir } from './store/location.js';
import { statuslineLinePath } from './store/paths.js';

// The statusline's and the SessionStart alert's warm path (dist/statusline-fast.cjs,
// loaded first by bin/agent-track): reads the payload, and prints the line
// the full statusline kept for this session when nothing it was drawn from
// has changed (live/line-snapshot.ts). Without the price list, budgets,
// config schema or capture code, it costs little more than a bare node.
// Otherwise it hands the payload to the full bundle (statusline-main.ts).

/** Prints the kept line and returns null; or returns the payload for the full statusline to draw. */
export function warmStatusline(argv: readonly string[] = process.argv.slice(2)): Buffer | null {
  const raw = readPayload();
  try {
    if (!keptLinesMayExist(raw, argv)) return raw;
    // A plain require: bundled, it runs (zod and the schemas with it) only now.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('./live/warm-line.js') as typeof import('./live/warm-line.js')).printKept(raw, argv);
  } catch {
    // Whatever went wrong here, the full statusline decides what to show.
    return raw;
  }
}

/**
 * Whether the logs folder the payload points at has a kept-line file: a look
 * before anything is validated (zod's set-up costs a store with no kept line,
 * which goes to the full statusline anyway, ~2 ms). Nothing is trusted from
 * it: warm-line.ts validates the payload and resolves the folder again.
 */
function keptLinesMayExist(raw: Buffer, argv: readonly string[]): boolean {
  const json = raw.length ? (JSON.parse(raw.toString('utf8')) as unknown) : null;
  if (typeof json !== 'object' || json === null) return false;
  const { cwd, workspace } = json as { cwd?: unknown; workspace?: { project_dir?: unknown } };
  const projectDir = typeof workspace === 'object' && workspace !== null ? workspace.project_dir : undefined;
  const payloadCwd = typeof projectDir === 'string' ? projectDir : typeof cwd === 'string' ? cwd : undefined;
  const logsDir = resolveLogsDir({ flag: flagValue(argv, '--logs-dir'), env: process.env, payloadCwd, cwd: process.cwd() });
  return existsSync(statuslineLinePath(logsDir));
}
