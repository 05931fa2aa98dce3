import { plural } from './context.js';
import { REMOVED_KINDS, type PruneResult, type Removed, type RemovedKind } from './result.js';
import { localDateTime } from '../time/local.js';

// What a person (or cron's log) reads after a prune. A normal run sums up per
// kind; a dry run lists every item that would go. Pure: result in, text out.

const KIND_TEXT: Record<RemovedKind, { name: string; unit: string }> = {
  rawRecords: { name: 'raw records', unit: 'day' },
  daySummary: { name: 'day folders (summaries)', unit: 'day' },
  weeklyReport: { name: 'weekly reports', unit: 'report' },
  monthlyReport: { name: 'monthly reports', unit: 'report' },
  sessionState: { name: 'finished session state', unit: 'session' },
};

export function pruneText(result: PruneResult, at: Date): string {
  const lines: string[] = [];
  const p = result.policy;
  const policy = `raw ${p.raw}, day summaries ${p.dailySummaries}, weekly reports ${p.weeklyReports}, monthly reports ${p.monthlyReports}`;
  lines.push(`${result.dryRun ? 'Dry run, nothing changed' : 'Pruned'}: ${result.logsDir} at ${localTime(at)} (keeping ${policy})`);
  if (result.dryRun && result.inFlightToClose.length) {
    lines.push(`Would close ${plural(result.inFlightToClose.length, 'in-flight execution')} as interrupted:`);
    for (const run of result.inFlightToClose) {
      const why = run.reason === 'timeout' ? `nothing heard since ${localTime(new Date(run.lastActivity))}` : 'its session ended';
      lines.push(`  ${run.agentType} started ${localTime(new Date(run.startTime))} (${run.executionId}): ${why}`);
    }
  } else if (!result.dryRun && result.inFlightClosed) {
    lines.push(`Closed ${plural(result.inFlightClosed, 'in-flight execution')} past the timeout as interrupted.`);
  }
  for (const path of result.reportsWritten) lines.push(`${result.dryRun ? 'Would write' : 'Wrote'} ${path} first, so its figures outlive the day summaries.`);

  if (result.removed.length === 0) {
    lines.push(result.dryRun ? 'Nothing would be removed.' : 'Nothing to remove: everything is within retention.');
  } else {
    lines.push('', result.dryRun ? 'Would remove:' : 'Removed:');
    const rows: string[][] = [];
    for (const kind of REMOVED_KINDS) {
      const items = result.removed.filter((r) => r.kind === kind);
      if (!items.length) continue;
      const files = items.reduce((sum, r) => sum + r.files, 0);
      const bytes = items.reduce((sum, r) => sum + r.bytes, 0);
      rows.push([`  ${KIND_TEXT[kind].name}`, plural(items.length, KIND_TEXT[kind].unit), plural(files, 'file'), formatBytes(bytes), span(items)]);
      if (result.dryRun) for (const item of items) rows.push([`    ${item.path}`, '', plural(item.files, 'file'), formatBytes(item.bytes), item.detail ?? '']);
    }
    lines.push(...table(rows));
    const details = result.dryRun ? [] : result.removed.filter((r) => r.detail);
    for (const item of details) lines.push(`  ${item.path}: ${item.detail}`);
    lines.push(`${result.dryRun ? 'Would free' : 'Freed'} ${formatBytes(result.totals.bytes)} in ${plural(result.totals.files, 'file')}.`);
  }
  section(lines, 'Kept:', result.kept.map((n) => `${n.path}: ${n.reason}`));
  section(lines, 'Left alone:', result.leftAlone.map((n) => `${n.path}: ${n.reason}`));
  section(lines, `Failed (${result.failed.length}):`, result.failed.map((f) => `${f.path}: ${f.error}`));
  return `${lines.join('\n')}\n`;
}

function section(lines: string[], title: string, items: string[]): void {
  if (!items.length) return;
  lines.push('', title, ...items.map((item) => `  ${item}`));
}

/** The first and last item of a kind, for days and reports (sessions have no order worth showing). */
function span(items: Removed[]): string {
  if (items[0]!.kind === 'sessionState') return '';
  const names = items.map((r) => r.path.split('/').pop()!.replace(/\.json$/, '')).sort();
  return names.length === 1 ? names[0]! : `${names[0]} .. ${names[names.length - 1]}`;
}

/** Columns padded to their widest cell; numbers right-aligned. */
function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const right = new Set([1, 2, 3]);
  return rows.map((row) =>
    row
      .map((cell, i) => (right.has(i) ? cell.padStart(widths[i]!) : i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

function localTime(at: Date): string {
  return localDateTime(at);
}
