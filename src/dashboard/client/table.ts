import { formatCount, formatTokens, oneLine } from '../../analytics/format.js';
import { formatElapsed } from '../../time/duration.js';
import type { RecentExecution, RecentPack } from '../../schema/dashboard.js';
import type { RecentRun } from '../recent-pack.js';
import { openDetail } from './detail.js';
import { h } from './dom.js';

// The recent executions: a table sorted by any column (click its header
// again to reverse) and filtered by status and by text in the agent name,
// the error types or the first error message.

type Key = 'startTime' | 'agent' | 'status' | 'duration' | 'tokensUsed' | 'errors';

interface Column {
  key: Key;
  label: string;
  /** Sorted largest first on the first click. */
  numeric: boolean;
  /** Right-aligned (quantities). */
  right?: boolean;
  cell: (row: RecentExecution) => Node | string;
}

/** The first error's message in a row's tooltip: one line, at most this many characters. */
const FIRST_ERROR_SHOWN = 160;

/** Rows drawn at first and added by each "show more": a day of a busy team would make a very long page. */
const PAGE_ROWS = 50;

const STATUS_ORDER: Record<RecentExecution['status'], number> = { failed: 0, partial: 1, success: 2 };

const COLUMNS: Column[] = [
  { key: 'startTime', label: 'Started', numeric: true, cell: (r) => h('time', { datetime: r.startTime }, localTime(r.startTime)) },
  { key: 'status', label: 'Status', numeric: false, cell: (r) => h('span', { class: `pill s-${r.status}` }, r.status) },
  { key: 'agent', label: 'Agent', numeric: false, cell: (r) => (r.background ? h('span', {}, r.agent, h('span', { class: 'muted' }, ' · bg')) : r.agent) },
  { key: 'duration', label: 'Duration', numeric: true, right: true, cell: (r) => formatElapsed(r.duration) },
  { key: 'tokensUsed', label: 'Tokens', numeric: true, right: true, cell: (r) => formatTokens(r.tokensUsed) },
  {
    key: 'errors',
    label: 'Errors',
    numeric: true,
    cell: (r) =>
      r.errors === 0
        ? h('span', { class: 'muted' }, '0')
        : h('span', { title: oneLine(r.firstError ?? '', FIRST_ERROR_SHOWN) }, `${formatCount(r.errors)} `, h('span', { class: 'muted' }, r.errorTypes.join(', '))),
  },
];

function sortValue(row: RecentExecution, key: Key): number | string {
  switch (key) {
    case 'startTime':
      return Date.parse(row.startTime);
    case 'status':
      return STATUS_ORDER[row.status];
    case 'duration':
      return row.duration ?? -1;
    case 'tokensUsed':
      return row.tokensUsed ?? -1;
    case 'errors':
      return row.errors;
    case 'agent':
      return row.agent.toLowerCase();
  }
}

export function recentTable(runs: readonly RecentRun[], pack: Pick<RecentPack, 'total' | 'days' | 'promptShown'>): HTMLElement {
  const { total, days } = pack;
  const rows = runs.map((r) => r.row);
  const details = new Map(runs.map((r) => [r.row.id, r.detail]));
  let sortKey: Key = 'startTime';
  let descending = true;
  let limit = PAGE_ROWS;
  const search = h('input', { type: 'search', id: 'recent-filter', placeholder: 'Filter: agent or error', 'aria-label': 'Filter by agent or error', autocomplete: 'off' });
  const status = h(
    'select',
    { id: 'recent-status', 'aria-label': 'Status' },
    h('option', { value: '' }, 'All statuses'),
    ...(['success', 'partial', 'failed'] as const).map((st) => h('option', { value: st }, st)),
  );
  const count = h('output', { id: 'recent-count', 'aria-live': 'polite' });
  const headers = COLUMNS.map((column) => {
    const button = h('button', { type: 'button', 'data-sort': column.key }, column.label);
    const th = h('th', { scope: 'col', class: column.right ? 'num' : null }, button);
    button.addEventListener('click', () => {
      if (sortKey === column.key) descending = !descending;
      else {
        sortKey = column.key;
        // Numbers read best largest first, names from A.
        descending = column.numeric;
      }
      update();
    });
    return th;
  });
  const body = h('tbody');
  const more = h('button', { type: 'button', id: 'recent-more' });
  more.addEventListener('click', () => {
    limit += PAGE_ROWS * 2;
    update();
  });
  const moreRow = h('div', { class: 'more' }, more);
  const table = h('table', { id: 'recent-table', class: 'data' }, h('thead', {}, h('tr', {}, ...headers, h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Detail')))), body);
  const detailButton = (r: RecentExecution) => {
    const button = h('button', { type: 'button', class: 'detail', 'data-detail': r.id, 'aria-label': `Details of ${r.agent} run ${r.id}` }, 'Details');
    button.addEventListener('click', () => openDetail(r, details.get(r.id)!, rows, pack.promptShown));
    return button;
  };

  function update(): void {
    const text = search.value.trim().toLowerCase();
    const wanted = status.value;
    const shown = rows.filter(
      (r) =>
        (wanted === '' || r.status === wanted) &&
        (text === '' || r.agent.toLowerCase().includes(text) || r.errorTypes.some((t) => t.includes(text)) || (r.firstError ?? '').toLowerCase().includes(text)),
    );
    shown.sort((a, b) => {
      const x = sortValue(a, sortKey);
      const y = sortValue(b, sortKey);
      const order = x < y ? -1 : x > y ? 1 : Date.parse(b.startTime) - Date.parse(a.startTime);
      return descending && x !== y ? -order : order;
    });
    headers.forEach((th, i) => th.setAttribute('aria-sort', COLUMNS[i]!.key === sortKey ? (descending ? 'descending' : 'ascending') : 'none'));
    body.replaceChildren(
      ...shown.slice(0, limit).map((r) =>
        h(
          'tr',
          { 'data-id': r.id, 'data-agent': r.agent, 'data-status': r.status, 'data-duration': r.duration, 'data-tokens': r.tokensUsed, 'data-errors': r.errors, 'data-start': r.startTime },
          ...COLUMNS.map((c) => h('td', { class: c.right ? 'num' : null }, c.cell(r))),
          h('td', {}, detailButton(r)),
        ),
      ),
    );
    if (shown.length === 0) body.append(h('tr', {}, h('td', { colspan: COLUMNS.length + 1, class: 'empty' }, 'No execution matches the filter.')));
    count.value = `${formatCount(shown.length)} of ${formatCount(rows.length)}`;
    const hidden = shown.length - Math.min(limit, shown.length);
    more.textContent = `Show ${formatCount(Math.min(hidden, PAGE_ROWS * 2))} more (${formatCount(hidden)} not shown)`;
    moreRow.hidden = hidden === 0;
  }
  search.addEventListener('input', update);
  status.addEventListener('change', update);
  update();

  const scope = total > rows.length ? `the latest ${formatCount(rows.length)} of ${formatCount(total)}` : `all ${formatCount(total)}`;
  return h(
    'div',
    {},
    h('p', { class: 'hint' }, `Showing ${scope} executions started ${days.length > 1 ? `from ${days[0]} to ${days[days.length - 1]}` : `on ${days[0] ?? '—'}`}. Click a column to sort, Details to see one run.`),
    h('div', { class: 'controls' }, search, status, count),
    h('div', { class: 'scroll' }, table),
    moreRow,
  );
}

/** "11-25 17:22:05", local time. */
export function localTime(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
