import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { AgentExecution } from '../schema/record.js';
import type { ExportCursorFolder } from '../schema/export.js';
import { decodeSent } from './cursor.js';
import { memo } from '../schema/memo.js';
import { direntsOrEmpty } from '../store/fs.js';
import { dayDir, RECORD_NAME } from '../store/paths.js';
import { localDay } from '../time/period.js';
import { listDays, listRecordDirs, SETTLE_MS, type IssueSink } from '../store/records.js';

// Which records an export has to look at. A record folder (one agent type of
// one day) whose modification time has not moved since every record in it was
// delivered is not read at all: records are renamed into place, so any new,
// corrected or removed record moves it. That keeps a re-run over a store of
// 100,000 records to a few hundred stats.

export interface FolderScan {
  /** "YYYY-MM-DD/<agent-dir>", the cursor's key. */
  key: string;
  /** mtime (ns) read before the folder was, or null when too recent to trust. */
  stamp: string | null;
  /** Records read and due for export, with their fingerprints. */
  due: { record: AgentExecution; fingerprint: string }[];
  /** Delivered before and unchanged: carried over to the new cursor. */
  kept: Map<string, string>;
  /** The cursor's entry, when the folder was not read because nothing in it changed: carried over as it is. */
  settled: ExportCursorFolder | null;
  /** Some record was left out (before --since): the folder is not marked complete. */
  partial: boolean;
}

export interface ScanResult {
  folders: FolderScan[];
  /** Folders of the previous cursor not looked at this time (before --since), carried over as they were. */
  untouched: Record<string, ExportCursorFolder>;
  /** Records read (folders unchanged since they were all delivered are not). */
  records: number;
  /** Records delivered before and unchanged, read or not. */
  unchanged: number;
}

const compiledRecord = memo(() => z.compile(AgentExecution));

export function scanFolders(
  logsDir: string,
  previous: Readonly<Record<string, ExportCursorFolder>>,
  options: { since: number | null; now: number; onIssue: IssueSink },
): ScanResult {
  const result: ScanResult = { folders: [], untouched: {}, records: 0, unchanged: 0 };
  const sinceDay = options.since === null ? null : localDay(options.since);
  for (const day of listDays(logsDir)) {
    const dir = dayDir(logsDir, day);
    for (const name of listRecordDirs(dir)) {
      const key = `${day}/${name}`;
      const before = previous[key];
      // A day wholly before --since is left as the cursor has it.
      if (sinceDay !== null && day < sinceDay) {
        if (before) result.untouched[key] = before;
        continue;
      }
      let mtimeNs: bigint;
      let mtimeMs: number;
      try {
        const stat = statSync(join(dir, name), { bigint: true });
        mtimeNs = stat.mtimeNs;
        mtimeMs = Number(stat.mtimeMs);
      } catch {
        continue; // Removed by retention meanwhile.
      }
      const stamp = mtimeMs <= options.now - SETTLE_MS ? mtimeNs.toString() : null;
      if (before && before.stamp !== null && before.stamp === stamp) {
        result.folders.push({ key, stamp, due: [], kept: new Map(), settled: before, partial: false });
        result.unchanged += before.count;
        continue;
      }
      result.folders.push(readFolder(join(dir, name), key, stamp, decodeSent(before?.sent ?? ''), options, result));
    }
  }
  return result;
}

function readFolder(
  dir: string,
  key: string,
  stamp: string | null,
  sent: ReadonlyMap<string, string>,
  options: { since: number | null; onIssue: IssueSink },
  totals: { records: number; unchanged: number },
): FolderScan {
  const scan: FolderScan = { key, stamp, due: [], kept: new Map(), settled: null, partial: false };
  const schema = compiledRecord();
  // Regular files only: a symlink planted in the logs folder is never followed.
  for (const entry of direntsOrEmpty(dir)) {
    if (!entry.isFile() || !RECORD_NAME.test(entry.name)) continue;
    const path = join(dir, entry.name);
    let text: string;
    let json: unknown;
    try {
      text = readFileSync(path, 'utf8');
      json = JSON.parse(text);
    } catch {
      options.onIssue({ path, problem: 'not valid JSON' });
      continue;
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      options.onIssue({ path, problem: 'not an execution record' });
      continue;
    }
    const record = parsed.data;
    if (options.since !== null && record.metrics.startTime < options.since) {
      scan.partial = true;
      continue;
    }
    totals.records++;
    const fingerprint = fingerprintOf(text);
    if (sent.get(record.id) === fingerprint) {
      scan.kept.set(record.id, fingerprint);
      totals.unchanged++;
    } else {
      scan.due.push({ record, fingerprint });
    }
  }
  return scan;
}

/** The record file as written: any rewrite of it (a late event, a correction) is a new version to send. */
export function fingerprintOf(text: string): string {
  return createHash('sha1').update(text).digest('base64url').slice(0, 16);
}
