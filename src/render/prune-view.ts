import { formatBytes } from '../analytics/format.js';
import { plural } from '../analytics/format.js';
import { REMOVED_KINDS, type PruneResult, type Removed, type RemovedKind } from '../retention/result.js';
import type { Block, Document, Table } from './document.js';
import { renderTerminal } from './terminal.js';

// What a person (or cron's log) reads after a prune, as a Document drawn by
// the same renderer as the reports. A normal run sums up per kind; a dry run
// lists every item that would go. Pure: result in, Document out.

const KIND_TEXT: Record<RemovedKind, { name: string; unit: string }> = {
  rawRecords: { name: 'raw records', unit: 'day' },
  daySummary: { name: 'day folders (summaries)', unit: 'day' },
  weeklyReport: { name: 'weekly reports', unit: 'report' },
  monthlyReport: { name: 'monthly reports', unit: 'report' },
  sessionState: { name: 'finished session state', unit: 'session' },
};

export function pruneDocument(result: PruneResult, at: Date): Document {
  const p = result.policy;
  const policy = `raw ${p.raw}, day summaries ${p.dailySummaries}, weekly reports ${p.weeklyReports}, monthly reports ${p.monthlyReports}`;
  const blocks: Block[] = [];
  const before: string[] = [];
  if (result.dryRun && result.inFlightToClose.length) {
    blocks.push({
      kind: 'lines',
      plain: true,
      title: `Would close ${plural(result.inFlightToClose.length, 'in-flight execution')} as interrupted:`,
      items: result.inFlightToClose.map((run) => {
        const why = run.reason === 'timeout' ? `nothing heard since ${localTime(new Date(run.lastActivity))}` : 'its session ended';
        return { text: `  ${run.agentType} started ${localTime(new Date(run.startTime))} (${run.executionId}): ${why}` };
      }),
    });
  } else if (!result.dryRun && result.inFlightClosed) {
    before.push(`Closed ${plural(result.inFlightClosed, 'in-flight execution')} past the timeout as interrupted.`);
  }
  for (const path of result.reportsWritten) before.push(`${result.dryRun ? 'Would write' : 'Wrote'} ${path} first, so its figures outlive the day summaries.`);
  if (result.removed.length === 0) before.push(result.dryRun ? 'Nothing would be removed.' : 'Nothing to remove: everything is within retention.');
  if (before.length) blocks.push({ kind: 'lines', plain: true, items: before.map((text) => ({ text })) });

  if (result.removed.length) {
    blocks.push(removedTable(result));
    const details = result.dryRun ? [] : result.removed.filter((r) => r.detail);
    if (details.length) blocks.push({ kind: 'lines', plain: true, items: details.map((item) => ({ text: `  ${item.path}: ${item.detail}` })) });
  }
  blocks.push(...section('Kept:', result.kept.map((n) => `${n.path}: ${n.reason}`)));
  blocks.push(...section('Left alone:', result.leftAlone.map((n) => `${n.path}: ${n.reason}`)));
  blocks.push(...section(`Failed (${result.failed.length}):`, result.failed.map((f) => `${f.path}: ${f.error}`), 'bad'));
  return {
    title: `${result.dryRun ? 'Dry run, nothing changed' : 'Pruned'}: ${result.logsDir} at ${localTime(at)} (keeping ${policy})`,
    blocks,
    notes: [],
    csv: { columns: [], rows: [] },
  };
}

/** The document as plain text (cron's log, tests). */
export function pruneText(result: PruneResult, at: Date): string {
  return renderTerminal(pruneDocument(result, at), { width: Infinity, color: false });
}

function removedTable(result: PruneResult): Table {
  const rows: string[][] = [];
  for (const kind of REMOVED_KINDS) {
    const items = result.removed.filter((r) => r.kind === kind);
    if (!items.length) continue;
    const files = items.reduce((sum, r) => sum + r.files, 0);
    const bytes = items.reduce((sum, r) => sum + r.bytes, 0);
    rows.push([`  ${KIND_TEXT[kind].name}`, plural(items.length, KIND_TEXT[kind].unit), plural(files, 'file'), formatBytes(bytes), span(items)]);
    if (result.dryRun) for (const item of items) rows.push([`    ${item.path}`, '', plural(item.files, 'file'), formatBytes(item.bytes), item.detail ?? '']);
  }
  return {
    kind: 'table',
    title: result.dryRun ? 'Would remove:' : 'Removed:',
    // Paths and spans may be cut on a narrow terminal; the counts never are.
    columns: [{ header: 'What', flex: true }, { header: 'Items', align: 'right' }, { header: 'Files', align: 'right' }, { header: 'Size', align: 'right' }, { header: 'Span', flex: true, priority: 1 }],
    rows,
    note: `${result.dryRun ? 'Would free' : 'Freed'} ${formatBytes(result.totals.bytes)} in ${plural(result.totals.files, 'file')}.`,
  };
}

function section(title: string, items: string[], tone?: 'bad'): Block[] {
  return items.length ? [{ kind: 'lines', plain: true, title, items: items.map((item) => ({ text: tone ? { text: `  ${item}`, tone } : `  ${item}` })) }] : [];
}

/** The first and last item of a kind, for days and reports (sessions have no order worth showing). */
function span(items: Removed[]): string {
  if (items[0]!.kind === 'sessionState') return '';
  const names = items.map((r) => r.path.split('/').pop()!.replace(/\.json$/, '')).sort();
  return names.length === 1 ? names[0]! : `${names[0]} .. ${names[names.length - 1]}`;
}

function localTime(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}`;
}
