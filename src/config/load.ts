import { readFileSync } from 'node:fs';
import { configFileSchema, DEFAULT_CONFIG, resolveConfig, type Config } from '../schema/config.js';
import { describeIssues } from '../schema/issues.js';

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
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return DEFAULT_CONFIG;
    throw new ConfigError(path, (error as Error).message);
  }
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
