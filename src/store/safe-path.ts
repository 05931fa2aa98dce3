import { closeSync, constants, existsSync, lstatSync, mkdirSync, openSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';

// The one check that keeps writes inside the logs folder. Everything below the
// logs root is written by agent-track itself, so a symbolic link there (a day
// folder linked elsewhere, a linked `.state` or `metrics/weekly`) is never
// written through: the README promises a linked folder and what it points to
// are left alone. The root itself may be a link (a logs folder kept on another
// disk); only the components below it are checked. Writers and retention's
// removals both go through here.

// A root that path.relative would resolve to something else (a '.' or '..' component, doubled separators).
const PLAIN_ROOT_BREAKERS = new RegExp(`(^|\\${sep})\\.{1,2}(\\${sep}|$)|\\${sep}\\${sep}`);

export class LinkedPathError extends Error {
  readonly code = 'ELINKED';
}

/** The names from `root` down to `path` (exclusive of root); throws when `path` is not below `root`. */
function componentsBelow(root: string, path: string): string[] {
  // Most paths are built from the root as it is, by plain names: split them
  // without path.relative, which resolves both paths (its normalizeString got
  // hot enough, at two calls a write, for V8 to optimize it on a background thread).
  if (path.startsWith(root) && path[root.length] === sep && !root.endsWith(sep) && isAbsolute(root)) {
    const names = path.slice(root.length + 1).split(sep);
    if (names.every((name) => name !== '' && name !== '.' && name !== '..') && !PLAIN_ROOT_BREAKERS.test(root)) return names;
  }
  const rel = relative(root, path);
  if (rel === '') return [];
  if (rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) throw new Error(`${path} is outside ${root}`);
  return rel.split(sep);
}

/**
 * Makes sure every folder from `root` down to `dir` is a real folder, not a
 * link, creating the missing ones one at a time (a recursive mkdir would
 * follow a link it met on the way). Throws LinkedPathError at the first link
 * or non-folder.
 */
export function ensureDirWithin(root: string, dir: string): void {
  let current = root;
  const names = componentsBelow(root, dir);
  // The root is where the user put it, link or not: only made when missing.
  if (!exists(root)) mkdirSync(root, { recursive: true });
  for (const name of names) {
    current = join(current, name);
    if (isRealDir(current)) continue;
    try {
      mkdirSync(current);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    // Made by us or by a concurrent hook a moment ago: either way it must be a real folder now.
    if (!isRealDir(current)) throw new LinkedPathError(`${current} is a symbolic link or not a folder: nothing is written through it`);
  }
}

/** Whether every component of `path` below `root` exists and none is a link (the last one may be anything but a link). */
export function isPlainWithin(root: string, path: string): boolean {
  let current = root;
  for (const name of componentsBelow(root, path)) {
    current = join(current, name);
    try {
      if (lstatSync(current).isSymbolicLink()) return false;
    } catch {
      return false;
    }
  }
  return true;
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** True for a real folder; false when missing; throws LinkedPathError for a link or a file in the way. */
function isRealDir(path: string): boolean {
  let stat;
  try {
    stat = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  if (stat.isDirectory()) return true;
  throw new LinkedPathError(`${path} is ${stat.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}: nothing is written through it`);
}

const PROC_FD = process.platform === 'linux' && existsSync('/proc/self/fd');
const DIR_FLAGS = constants.O_RDONLY | (constants.O_DIRECTORY ?? 0);
const NOFOLLOW_DIR_FLAGS = DIR_FLAGS | (constants.O_NOFOLLOW ?? 0);

/**
 * Runs `fn` with a path that reaches `dir` (below `root`) without a link: on
 * Linux every folder from the root down is opened with O_NOFOLLOW, each one
 * through the one above it held open (/proc/self/fd/N, the openat() Node
 * lacks), so a folder swapped for a link between a check and a write cannot
 * redirect it. Missing folders are made on the way. Elsewhere: ensureDirWithin,
 * then the plain path.
 */
export function withDirWithin<T>(root: string, dir: string, fn: (path: string) => T): T {
  if (!PROC_FD) {
    ensureDirWithin(root, dir);
    return fn(dir);
  }
  const names = componentsBelow(root, dir);
  if (!exists(root)) mkdirSync(root, { recursive: true });
  let fd = openSync(root, DIR_FLAGS);
  try {
    for (const [i, name] of names.entries()) {
      const next = `/proc/self/fd/${fd}/${name}`;
      const linked = () => new LinkedPathError(`${join(root, ...names.slice(0, i + 1))} is a symbolic link or not a folder: nothing is written through it`);
      let child: number;
      try {
        child = openSync(next, NOFOLLOW_DIR_FLAGS);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ELOOP' || code === 'ENOTDIR') throw linked();
        if (code !== 'ENOENT') throw error;
        try {
          mkdirSync(next);
        } catch (made) {
          if ((made as NodeJS.ErrnoException).code !== 'EEXIST') throw made;
        }
        try {
          child = openSync(next, NOFOLLOW_DIR_FLAGS);
        } catch (again) {
          const code2 = (again as NodeJS.ErrnoException).code;
          if (code2 === 'ELOOP' || code2 === 'ENOTDIR') throw linked();
          throw again;
        }
      }
      closeSync(fd);
      fd = child;
    }
    return fn(`/proc/self/fd/${fd}`);
  } finally {
    closeSync(fd);
  }
}
