// Claude Code keeps each project's transcripts in <config dir>/projects/<key>,
// the key made from the project's absolute path. Read off the 2.1.332 binary:
//   key = path.replace(/[^a-zA-Z0-9]/g, '-'); past 200 characters it is cut to
//   200 and "-" + Math.abs(javaStyleHash(path)).toString(36) is appended.
// Claude Code itself also accepts any folder starting with the cut 200
// characters (older releases hashed differently), and so do we.

export const PROJECT_KEY_MAX = 200;

export function projectKey(projectPath: string): string {
  const key = projectPath.replace(/[^a-zA-Z0-9]/g, '-');
  if (key.length <= PROJECT_KEY_MAX) return key;
  return `${key.slice(0, PROJECT_KEY_MAX)}-${Math.abs(stringHash(projectPath)).toString(36)}`;
}

/** The folder-name prefix every release gives a path too long to keep whole. */
export function longKeyPrefix(projectPath: string): string | null {
  const key = projectPath.replace(/[^a-zA-Z0-9]/g, '-');
  return key.length > PROJECT_KEY_MAX ? `${key.slice(0, PROJECT_KEY_MAX)}-` : null;
}

/** Java's String.hashCode over UTF-16 code units, as Claude Code computes it. */
function stringHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = ((hash << 5) - hash + text.charCodeAt(i)) | 0;
  return hash;
}
