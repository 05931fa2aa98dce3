import * as z from 'zod/mini';
import { described } from './describe.js';

// What `agent-track export` keeps and prints: its cursor (read back at every
// run, so validated) and its --json summary (published as
// schema/export-summary.schema.json).

const count = () => z.int().check(z.gte(0));

export const ExportCursorFolder = z.object({
  /** The record folder's mtime (ns) when every record in it had been delivered; null while some have not, or it may still change within a clock tick. */
  stamp: z.nullable(z.string()),
  /** Executions delivered from this folder. */
  count: z.int().check(z.gte(0)),
  /**
   * "<execution id>:<fingerprint>" pairs separated by spaces: the record as
   * delivered, so one rewritten since (a correction) is sent again. One string
   * per folder, not an object of 100,000 keys: a re-run parses it only for a
   * folder that changed.
   */
  sent: z.string(),
});
export type ExportCursorFolder = z.infer<typeof ExportCursorFolder>;

export const ExportCursor = z.object({
  version: z.literal(1),
  /** By collector URL: sending to a second backend starts from nothing there. Folders by "YYYY-MM-DD/<agent-dir>". */
  targets: z.record(z.string(), z.object({ folders: z.record(z.string(), ExportCursorFolder) })),
});
export type ExportCursor = z.infer<typeof ExportCursor>;

export const ExportSummary = z.object({
  ran: described(z.boolean(), 'false when another export was running in the same logs folder'),
  reason: z.optional(z.string()),
  endpoint: described(z.string(), 'The traces URL, without credentials'),
  protocol: z.enum(['http/protobuf', 'http/json', 'grpc']),
  dryRun: z.boolean(),
  records: described(count(), 'Records read (folders unchanged since the last export are not read)'),
  unchanged: described(count(), 'Records already delivered as they are (read again or not)'),
  delivered: described(count(), 'Executions sent and accepted by the collector (dry run: that would be sent)'),
  spans: described(count(), 'Spans in those executions'),
  batches: count(),
  notDelivered: described(count(), 'Executions that were due and were not accepted; they are sent next time'),
  error: z.nullable(described(z.string(), 'Why the collector did not accept them')),
  skippedFiles: described(count(), 'Record files that could not be read or validated (agent-track doctor names them)'),
});
export type ExportSummary = z.infer<typeof ExportSummary>;

export const ExportAllSummary = z.object({
  allProjects: z.literal(true),
  endpoint: described(z.string(), 'The traces URL, without credentials'),
  protocol: z.enum(['http/protobuf', 'http/json', 'grpc']),
  dryRun: z.boolean(),
  /** One per project `report --all-projects` lists, each exported from its own logs folder with its own cursor and config. */
  projects: z.array(
    z.object({
      project: described(z.string(), 'The project folder'),
      logsDir: z.string(),
      summary: z.nullable(ExportSummary),
      /** Why the project was not exported at all (its config could not be read); null when it ran. */
      problem: z.nullable(z.string()),
    }),
  ),
  totals: z.object({
    projects: count(),
    records: count(),
    unchanged: count(),
    delivered: count(),
    spans: count(),
    notDelivered: count(),
    skippedFiles: count(),
  }),
  notDelivered: described(z.array(z.string()), 'Projects with executions not delivered, or not exported at all (exit code 1)'),
});
export type ExportAllSummary = z.infer<typeof ExportAllSummary>;
