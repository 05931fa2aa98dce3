import { formatCount, formatTokens, formatUsd } from '../../analytics/format.js';
import { formatElapsed } from '../../time/duration.js';
import type { RecentExecution } from '../../schema/dashboard.js';
import type { RunDetail } from '../../schema/runs.js';
import { h } from './dom.js';

// One run in a dialog, opened from the recent executions: what `agent-track
// show` shows, from the data embedded in the page (no request is made). The
// tool-call timeline needs the transcript, which the page does not carry:
// the dialog gives the `show` command for it.

let dialog: HTMLDialogElement | null = null;

export function openDetail(row: RecentExecution, detail: RunDetail | undefined, rows: readonly RecentExecution[]): void {
  dialog ??= document.body.appendChild(h('dialog', { id: 'run-detail', 'aria-labelledby': 'run-detail-title' }));
  const close = h('button', { type: 'button', class: 'close', 'aria-label': 'Close' }, '×');
  close.addEventListener('click', () => dialog!.close());
  dialog.replaceChildren(
    h('header', {}, h('h2', { id: 'run-detail-title' }, `${row.agent} `, h('span', { class: `pill s-${row.status}` }, row.status)), close),
    h('p', { class: 'muted' }, `${row.id} · started ${new Date(row.startTime).toLocaleString()} · ${formatElapsed(row.duration)}${row.background ? ' · background' : ''}`),
    ...(detail ? body(row, detail, rows) : [h('p', { class: 'empty' }, 'No detail for this run in the page.')]),
    h('p', { class: 'hint' }, 'Tool-call timeline and transcript: ', h('code', {}, `agent-track show ${row.id}`)),
  );
  dialog.showModal();
}

function body(row: RecentExecution, d: RunDetail, rows: readonly RecentExecution[]): Node[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const runText = (id: string) => {
    const r = byId.get(id);
    return r ? `${r.agent} ${id.slice(0, 10)} (${r.status}, ${formatElapsed(r.duration)})` : `${id.slice(0, 10)} (not among the recent runs)`;
  };
  const tokens = d.billedTokens;
  const out: Node[] = [
    facts([
      ['Model', d.model ?? 'unknown'],
      ['Tokens used', formatTokens(row.tokensUsed)],
      ['Billed tokens', tokens ? formatTokens(tokens.input + tokens.output + tokens.cacheCreation + tokens.cacheRead) : 'unknown'],
      ['Cost', d.costUsd === null ? 'not priced' : formatUsd(d.costUsd)],
      ['Files modified', formatCount(d.modifiedFiles.length)],
      ['Tests run', formatCount(d.testCommands.length)],
    ]),
    h('h3', {}, 'Request'),
    h('p', {}, h('strong', {}, 'Description: '), d.description ?? '(none)'),
    d.prompt === null ? h('p', { class: 'muted' }, 'Prompt not stored.') : h('pre', { class: 'prompt' }, d.prompt),
    h('h3', {}, 'Place in the chain'),
    h(
      'ul',
      { class: 'chain' },
      h('li', {}, d.chain.parent ? runText(d.chain.parent) : 'user prompt'),
      h('li', { class: 'this' }, `└─ this run: ${row.agent} ${row.id.slice(0, 10)}`),
      ...d.chain.children.map((c) => h('li', { class: 'child' }, `└─ ${runText(c)}`)),
      d.chain.parallel.length ? h('li', {}, `in parallel with: ${d.chain.parallel.map(runText).join('; ')}`) : null,
    ),
  ];
  if (d.toolCalls.length) {
    out.push(
      h('h3', {}, 'Tools'),
      h('p', {}, d.toolCalls.map((t) => `${t.tool} ${t.calls}${t.failures ? ` (${t.failures} failed)` : ''}`).join(' · ')),
    );
  }
  if (d.errors.length) {
    out.push(
      h('h3', {}, 'Errors'),
      h(
        'ul',
        { class: 'errors' },
        ...d.errors.map((e) => h('li', {}, h('strong', {}, e.type), e.tool ? ` (${e.tool})` : '', ': ', e.message, e.recoveryAction ? h('div', { class: 'muted' }, `then: ${e.recoveryAction}`) : null)),
      ),
    );
  }
  if (d.modifiedFiles.length || d.testCommands.length) {
    out.push(h('h3', {}, 'Files and tests'), h('ul', {}, ...d.modifiedFiles.map((f) => h('li', {}, `modified ${f}`)), ...d.testCommands.map((c) => h('li', {}, `ran tests: ${c}`))));
  }
  return out;
}

function facts(items: [string, string][]): HTMLElement {
  return h('dl', { class: 'run-facts' }, ...items.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}
