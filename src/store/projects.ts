import { join } from 'node:path';
import * as z from 'zod/mini';
import { writeFileAtomic } from './atomic.js';
import { readRegularFile } from './fs.js';

// The projects agent-track knows on this machine, for reports across
// projects: ${XDG_CONFIG_HOME:-~/.config}/agent-track/projects.json, written
// by `install` (the project it installs in) and `import` (each project it
// writes records for). A missing or broken registry is an empty one.

const REGISTRY_MAX_BYTES = 4 * 1024 * 1024;
const registrySchema = z.object({
  v: z.literal(1),
  projects: z.record(z.string(), z.object({ logsDir: z.string(), lastSeen: z.number() })),
});
export type Registry = z.infer<typeof registrySchema>;

export function registryPath(env: NodeJS.ProcessEnv, home: string): string {
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'agent-track', 'projects.json');
}

export function readRegistry(path: string): Registry {
  const file = readRegularFile(path, REGISTRY_MAX_BYTES);
  if (file.ok) {
    try {
      const parsed = registrySchema.safeParse(JSON.parse(file.bytes.toString('utf8')));
      if (parsed.success) return parsed.data;
    } catch {
      // Broken: start again (the projects are found again from the transcripts).
    }
  }
  return { v: 1, projects: {} };
}

/** Adds or refreshes projects; best effort, a registry that cannot be written only costs --all-projects a project. */
export function registerProjects(path: string, projects: { project: string; logsDir: string }[], now: number): void {
  if (!projects.length) return;
  const registry = readRegistry(path);
  // A plain object from JSON: keys such as "__proto__" must not reach its prototype.
  const entries = new Map(Object.entries(registry.projects));
  for (const { project, logsDir } of projects) entries.set(project, { logsDir, lastSeen: now });
  try {
    writeFileAtomic(path, `${JSON.stringify({ v: 1, projects: Object.fromEntries(entries) }, null, 2)}\n`);
  } catch {
    // Read-only home, or the like.
  }
}
