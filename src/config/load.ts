import { configFileSchema, DEFAULT_CONFIG, resolveConfig, type Config } from '../schema/config.js';
import { describeIssues } from '../schema/issues.js';
import { readRegularFile } from '../store/fs.js';

/**
 * A config file is a few KB. The hook reads it on every event, so it is read
 * only when it is a regular file under this cap: a FIFO or a link to
 * /dev/zero (a repository can commit either) must not hold the hook.
 */
export const CONFIG_MAX_BYTES = 1024 * 1024;

export class ConfigError extends Error {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`invalid config ${path}: ${detail}`);
  }
}

/** The config at `path`, or the defaults when there is no file. A broken file is an error, never ignored silently. */
export function loadConfig(path: string): Config {
  const file = readRegularFile(path, CONFIG_MAX_BYTES);
  if (!file.ok) {
    if (file.missing) return DEFAULT_CONFIG;
    throw new ConfigError(path, file.problem);
  }
  const text = file.bytes.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(path, `not valid JSON (${(error as Error).message})`);
  }
  const parsed = configFileSchema().safeParse(json);
  if (!parsed.success) throw new ConfigError(path, describeIssues(parsed.error));
  return resolveConfig(parsed.data);
}
