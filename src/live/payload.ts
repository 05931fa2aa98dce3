import { StatuslinePayload } from '../schema/statusline.js';
import { resolveConfigPath, resolveLogsDir } from '../store/location.js';
import { flagValue } from './statusline-io.js';

/** What Claude Code piped to the statusline, and the logs folder and config it points at. */
export interface StatuslineTarget {
  /** Null when the JSON is not a statusline payload: the folder then comes from the flags, the environment and the current folder. */
  payload: StatuslinePayload | null;
  logsDir: string;
  configPath: string;
}

/** The payload checked and the folders resolved, once for the warm path and the full statusline alike; JSON that does not parse throws. */
export function statuslineTarget(raw: Buffer, argv: readonly string[]): StatuslineTarget {
  const parsed = StatuslinePayload.safeParse(raw.length ? JSON.parse(raw.toString('utf8')) : {});
  const payload = parsed.success ? parsed.data : null;
  const logsDir = resolveLogsDir({ flag: flagValue(argv, '--logs-dir'), env: process.env, payloadCwd: payload?.workspace?.project_dir ?? payload?.cwd, cwd: process.cwd() });
  return { payload, logsDir, configPath: resolveConfigPath(logsDir, process.env, flagValue(argv, '--config')) };
}
