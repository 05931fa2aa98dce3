import { lstatSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { parse, resolve, sep } from 'node:path';

// Which folder retention may work in. It deletes only inside the real path of
// the logs folder, resolved once here; a logs folder that resolves to the
// root, to a home folder or to a folder above one is refused outright, since
// nothing agent-track writes lives there and a mistyped --logs-dir must not
// turn into a sweep of someone's files.

export class RefusedLogsDirError extends Error {}

export interface LogsRoot {
  /** The real path (or, when it does not exist yet, the absolute path). */
  path: string;
  exists: boolean;
}

export function resolveLogsRoot(logsDir: string, env: NodeJS.ProcessEnv): LogsRoot {
  let path: string;
  let exists = true;
  try {
    path = realpathSync(logsDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    path = resolve(logsDir);
    exists = false;
  }
  if (path === parse(path).root) throw new RefusedLogsDirError(`refusing to prune ${logsDir}: it is the root folder ${path}`);
  for (const home of homeFolders(env)) {
    if (path === home) throw new RefusedLogsDirError(`refusing to prune ${logsDir}: it is the home folder ${home}`);
    if (home.startsWith(path.endsWith(sep) ? path : `${path}${sep}`)) {
      throw new RefusedLogsDirError(`refusing to prune ${logsDir}: ${path} holds the home folder ${home}`);
    }
  }
  if (exists && !lstatSync(path).isDirectory()) throw new RefusedLogsDirError(`${logsDir} is not a folder`);
  return { path, exists };
}

/** os.homedir() and $HOME, each also by its real path. */
function homeFolders(env: NodeJS.ProcessEnv): string[] {
  const homes = new Set<string>();
  for (const home of [homedir(), env.HOME]) {
    if (!home) continue;
    homes.add(resolve(home));
    try {
      homes.add(realpathSync(home));
    } catch {
      // A home folder that does not exist cannot hold the logs folder.
    }
  }
  return [...homes].filter((home) => home !== parse(home).root);
}
