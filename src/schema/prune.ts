import * as z from 'zod/mini';
import { described } from './describe.js';

// What `agent-track prune --json` prints: the data behind its printed lines.
// Published as schema/prune.schema.json; retention/result.ts builds it. Paths
// are relative to the logs folder, with "/".

export const RemovedKind = z.enum(['rawRecords', 'daySummary', 'weeklyReport', 'monthlyReport', 'sessionState']);
export type RemovedKind = z.infer<typeof RemovedKind>;

export const Removed = z.object({
  kind: RemovedKind,
  path: described(z.string(), '"2026-11-02" (a day\'s records or its folder), "metrics/weekly/2026-W40.json", ".state/<session>"'),
  files: z.number(),
  bytes: described(z.number(), 'Disk space of those files (their allocated blocks)'),
  detail: described(z.nullable(z.string()), 'Anything worth knowing about this removal, else null'),
});
export type Removed = z.infer<typeof Removed>;

export const InFlightToClose = z.object({
  executionId: z.string(),
  agentType: z.string(),
  startTime: described(z.string(), 'ISO time'),
  lastActivity: described(z.string(), 'ISO time'),
  reason: z.enum(['timeout', 'session ended']),
});
export type InFlightToClose = z.infer<typeof InFlightToClose>;

/** Something retention chose not to remove, and why. */
export const Note = z.object({ path: z.string(), reason: z.string() });
export type Note = z.infer<typeof Note>;

export const Failure = z.object({ path: z.string(), error: z.string() });
export type Failure = z.infer<typeof Failure>;

const byKind = () => z.object({ raw: z.string(), dailySummaries: z.string(), weeklyReports: z.string(), monthlyReports: z.string() });

export const PruneResult = z.object({
  logsDir: described(z.string(), 'The real path of the logs folder'),
  dryRun: z.boolean(),
  today: z.string(),
  policy: described(byKind(), 'The retention in effect, e.g. { "raw": "7d", ... }'),
  keepFrom: described(byKind(), 'Per kind, the first day kept: what ends before it goes'),
  inFlightClosed: described(z.number(), 'In-flight executions closed as interrupted; in a dry run, how many would be'),
  inFlightToClose: described(z.array(InFlightToClose), 'The runs this prune found to close (past the timeout, or their session ended), found before closing them'),
  reportsWritten: described(z.array(z.string()), 'Dated reports written so the figures of day folders removed here outlive them'),
  removed: described(z.array(Removed), 'In a dry run: what would be removed'),
  kept: described(z.array(Note), 'Due for removal but kept for safety (records still changing, a run still going, records its summary never counted)'),
  leftAlone: described(z.array(Note), "Not agent-track's to remove: symbolic links, unknown files, odd names"),
  failed: described(z.array(Failure), 'Removals that failed (permissions, I/O). Any makes the exit code 1'),
  totals: z.object({ files: z.number(), bytes: z.number() }),
});
export type PruneResult = z.infer<typeof PruneResult>;

export const PruneOutput = z.union([
  z.object({ ran: z.literal(true), ...PruneResult.shape }),
  // Another prune held the lock, or the logs folder could not be pruned safely.
  z.object({ ran: z.literal(false), reason: z.string() }),
]);
export type PruneOutput = z.infer<typeof PruneOutput>;
