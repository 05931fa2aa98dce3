import { formatCount, formatTokens, formatUsd, plural } from '../../analytics/format.js';
import { formatElapsed } from '../../time/duration.js';
import type { RecentExecution } from '../../schema/dashboard.js';
import type { RunDetail } from '../../schema/runs.js';
import { h, s, tip } from './dom.js';

// One run in a dialog, opened from the recent executions: what `agent-track
// show` shows, from the data embedded in the page (no request is made). The
// tool-call timeline is the record's compact one (metrics.toolTimeline), cut
// to the page's budget, and the prompt is cut to the page's length; the whole
// prompt, the transcript's own calls and a long run's remaining calls are one
// `show` command away.

let dialog: HTMLDialogElement | null = null;

export function openDetail(row: RecentExecution, detail: RunDetail, rows: readonly RecentExecution[], promptShown: number): void {
  dialog ??= document.body.appendChild(h('dialog', { id: 'run-detail', 'aria-labelledby': 'run-detail-title' }));
  const close = h('button', { type: 'button', class: 'close', 'aria-label': 'Close' }, '×');
  close.addEventListener('click', () => dialog!.close());
  dialog.replaceChildren(
    h('header', {}, h('h2', { id: 'run-detail-title' }, `${row.agent} `, h('span', { class: `pill s-${row.status}` }, row.status)), close),
    h('p', { class: 'muted' }, `${row.id} · started ${new Date(row.startTime).toLocaleString()} · ${formatElapsed(row.duration)}${row.background ? ' · background' : ''}`),
    ...body(row, detail, rows, promptShown),
    h('p', { class: 'hint' }, 'The whole prompt, the transcript and every tool call: ', h('code', {}, `agent-track show ${row.id}`)),
  );
  dialog.showModal();
}

function body(row: RecentExecution, d: RunDetail, rows: readonly RecentExecution[], promptShown: number): Node[] {
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
    ...(d.promptLength === null
      ? []
      : [h('p', { class: 'muted prompt-cut' }, `The page keeps the first ${formatCount(promptShown)} of its ${formatCount(d.promptLength)} characters: `, h('code', {}, `agent-track show ${row.id}`), ' has it whole.')]),
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
  if (d.timeline.total) out.push(h('h3', {}, 'Tool calls'), timeline(d.timeline, row.duration));
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
  out.push(
    h('h3', {}, 'Transcript'),
    d.transcriptPath === null
      ? h('p', { class: 'muted' }, 'Not found when the page was made (Claude Code removes old transcripts).')
      : h('p', {}, h('code', { class: 'transcript-path' }, d.transcriptPath)),
  );
  return out;
}

function facts(items: [string, string][]): HTMLElement {
  return h('dl', { class: 'run-facts' }, ...items.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

/**
 * The run's tool calls in order: when each started (from the run's start),
 * how long it took and whether it failed, with a bar on the run's own time
 * axis so overlapping and long calls stand out. SVG attributes, not inline
 * styles: the page's Content-Security-Policy allows no style attribute.
 */
function timeline(t: RunDetail['timeline'], runMs: number | null): HTMLElement {
  const end = Math.max(runMs ?? 0, ...t.calls.map((c) => c.start + (c.duration ?? 0)), 1);
  const pct = (ms: number) => Math.round((ms / end) * 1000) / 10;
  const rows = t.calls.map((c) => {
    const bar = s('svg', { class: 'tl-bar', viewBox: '0 0 100 6', preserveAspectRatio: 'none', 'aria-hidden': 'true' },
      s('rect', { x: pct(c.start), y: 0, width: Math.max(pct(c.duration ?? 0), 0.6), height: 6, class: c.ok ? 'ok' : 'failed' }, tip(`${c.tool}: +${formatElapsed(c.start)}, ${c.duration === null ? 'no result' : formatElapsed(c.duration)}`)));
    return h('tr', { class: c.ok ? null : 'failed' },
      h('td', {}, c.tool),
      h('td', { class: 'num' }, `+${formatElapsed(c.start)}`),
      h('td', { class: 'num' }, c.duration === null ? 'no result' : formatElapsed(c.duration)),
      h('td', {}, c.ok ? 'ok' : 'failed'),
      h('td', { class: 'tl' }, bar));
  });
  const more = t.total - t.calls.length;
  return h('div', { class: 'timeline' },
    h('table', { class: 'data tool-timeline' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Tool'), h('th', { class: 'num' }, 'Start'), h('th', { class: 'num' }, 'Duration'), h('th', {}, 'Result'), h('th', {}, h('span', { class: 'sr-only' }, 'Timeline')))),
      h('tbody', {}, ...rows)),
    more > 0 ? h('p', { class: 'muted' }, `${plural(more, 'more tool call')} not in the page.`) : null);
}
