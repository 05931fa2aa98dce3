import * as z from 'zod/mini';

// The JSON that `agent-track import --json` prints. Published as
// schema/import.schema.json (npm run schema).

const count = () => z.int().check(z.gte(0));
const d = (text: string) => z.describe(text);

export const ImportSummary = z.object({
  dryRun: z.boolean().check(d('Nothing was written: the counts say what an import would do')),
  projectsDir: z.string().check(d("Claude Code's projects folder that was read")),
  sessions: count().check(d('Session transcripts found (within --since)')),
  unchangedSessions: count().check(d('Sessions not read again: unchanged since the last import')),
  runs: count().check(d('Subagent runs found in the sessions read')),
  newRecords: count().check(d('Records written for runs that had none')),
  completedRecords: count().check(d('Records the hooks had written from part of a run, completed from the transcripts')),
  alreadyRecorded: count().check(d('Runs whose record was there already: left as they are')),
  inFlight: count().check(d('Runs the transcripts show no end for (still running, or the session was killed)')),
  sessionFiles: count().check(d("Session figure files (sessions/<session>.json: the main thread's tokens) written or updated")),
  bytesRead: count(),
  skippedFiles: z.array(z.object({ path: z.string(), reason: z.string() })).check(d('Files (or parts of files) that could not be used, and why')),
  missingProjects: z.array(z.string()).check(d('Project folders named by transcripts that no longer exist: their runs were skipped')),
  projects: z.array(
    z.object({ project: z.string(), logsDir: z.string(), sessions: count(), runs: count(), newRecords: count() }),
  ),
});
export type ImportSummary = z.infer<typeof ImportSummary>;
