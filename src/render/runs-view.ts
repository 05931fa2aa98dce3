import { formatCount, formatTokens, formatUsd } from '../analytics/format.js';
import { formatElapsed } from '../time/duration.js';
import type { ChainRun, RunsOutput, ShowOutput } from '../schema/runs.js';
import type { Cell, Document, Tone } from './document.js';
import { localDateTime } from '../time/local.js';

// `agent-track runs` (one line per run) and `agent-track show` (one run in
// detail) as a person reads them. Times are local clock times.

const STATUS_TONE: Record<string, Tone> = { success: 'good', partial: 'warn', failed: 'bad' };
const ERROR_SHOWN = 120;
const CALLS_SHOWN = 50;

export function runsDocument(out: RunsOutput): Document {
  const filters = [
    out.filter.agent && `agent ${out.filter.agent}`,
    out.filter.status && `status ${out.filter.status}`,
    out.filter.session && `session ${out.filter.session}`,
    out.filter.since && `since ${localTime(out.filter.since)}`,
  ].filter(Boolean);
  return {
    title: 'Subagent runs',
    subtitle: [`newest first${out.more ? `, the latest ${out.filter.limit}` : ''}`, ...filters].join(' · '),
    blocks: [
      {
        kind: 'table',
        columns: [
          { header: 'Id' },
          { header: 'Agent', flex: true },
          { header: 'Start' },
          { header: 'Duration', align: 'right', priority: 2 },
          { header: 'Status' },
          { header: 'Cost', align: 'right', priority: 1 },
          { header: 'First error', flex: true, priority: 3 },
        ],
        rows: out.runs.map((r) => [
          r.id.slice(0, 10),
          r.background ? `${r.agent} (bg)` : r.agent,
          localTime(r.startTime),
          formatElapsed(r.duration),
          { text: r.status, tone: STATUS_TONE[r.status] },
          r.costUsd === null ? { text: '-', tone: 'dim' } : formatUsd(r.costUsd),
          r.firstError ? `${r.firstError.type}: ${oneLine(r.firstError.message, ERROR_SHOWN)}` : '',
        ]),
        note: out.more ? `more runs match: raise --limit (now ${out.filter.limit})` : undefined,
      },
    ],
    notes: [],
    csv: {
      columns: ['id', 'agent', 'sessionId', 'startTime', 'durationMs', 'status', 'background', 'costUsd', 'firstErrorType', 'firstErrorMessage'],
      rows: out.runs.map((r) => [r.id, r.agent, r.sessionId, r.startTime, r.duration, r.status, String(r.background), r.costUsd, r.firstError?.type ?? null, r.firstError?.message ?? null]),
    },
  };
}

/**
 * Where a duration came from, when not from Claude Code's Agent call totals:
 * a background run's figures come from its completion notification, and an
 * estimate should not pass for a measurement.
 */
const DURATION_SOURCE_SHOWN = {
  'task-notification': "Claude Code's background notification",
  transcript: 'estimated from the transcript',
  hooks: 'between hook events',
} as const;

export function showDocument(out: ShowOutput): Document {
  const r = out.execution;
  const m = r.metrics;
  const doc: Document = {
    title: `Run ${r.id} · ${r.agentType}`,
    subtitle: [localTime(new Date(m.startTime).toISOString()), r.request.context.background ? 'background' : null, `session ${r.request.context.sessionId}`]
      .filter(Boolean)
      .join(' · '),
    blocks: [],
    notes: [],
    csv: { columns: [], rows: [] },
  };
  const tokens = m.tokens;
  doc.blocks.push({
    kind: 'facts',
    items: [
      ['Status', { text: r.result.status, tone: STATUS_TONE[r.result.status] }],
      ['Duration', m.duration === null || !m.durationSource || m.durationSource === 'claude-code' ? formatElapsed(m.duration) : `${formatElapsed(m.duration)} (${DURATION_SOURCE_SHOWN[m.durationSource]})`],
      ['Model', r.request.context.model ?? 'unknown'],
      ['Tokens used', formatTokens(m.tokensUsed)],
      ['Billed tokens', tokens ? formatTokens(tokens.input + tokens.output + tokens.cacheCreation + tokens.cacheRead) : 'unknown'],
      ['Cost', out.costUsd === null ? { text: 'not priced', tone: 'dim' } : formatUsd(out.costUsd)],
      ['API calls', formatCount(m.apiCalls)],
      ['Tool calls', formatCount(m.totalToolUseCount)],
      ['Files modified', formatCount(r.result.filesModified)],
      ['Tests run', formatCount(r.result.testsRun)],
    ],
  });
  doc.blocks.push({
    kind: 'lines',
    title: 'Request',
    items: [
      { text: `Description: ${r.request.description ?? '(none)'}` },
      { text: 'Prompt:', detail: r.request.prompt ?? (r.request.promptHash !== null ? '(not stored: "storePrompts": false in agent-track.json)' : '(not recorded)') },
    ],
  });
  doc.blocks.push({ kind: 'lines', title: 'Place in the chain', items: chainLines(out) });
  if (out.timeline.calls.length) {
    const calls = out.timeline.calls;
    doc.blocks.push({
      kind: 'table',
      title: `Tool calls (from the ${out.timeline.source})`,
      columns: [{ header: 'At', align: 'right' }, { header: 'Tool', flex: true }, { header: 'Took', align: 'right' }, { header: 'Result' }],
      rows: calls.slice(0, CALLS_SHOWN).map((c) => [`+${formatElapsed(c.start)}`, c.tool, formatElapsed(c.duration), c.ok ? { text: 'ok', tone: 'good' } : { text: 'failed', tone: 'bad' }]),
      note: calls.length > CALLS_SHOWN ? `${calls.length - CALLS_SHOWN} more calls in --json` : undefined,
    });
  } else {
    // An empty timeline read from a transcript or a record is a run with no tool calls (an API error
    // before the first one); only with neither is the timeline unknown.
    const none = out.timeline.source === null ? 'No timeline: the transcript is gone and the record holds none.' : `No tool calls (from the ${out.timeline.source}).`;
    doc.blocks.push({ kind: 'lines', title: 'Tool calls', items: [{ text: { text: none, tone: 'dim' } }] });
  }
  if (r.errors.length) {
    doc.blocks.push({
      kind: 'lines',
      title: 'Errors',
      items: r.errors.map((e) => ({
        text: { text: `${e.type}${e.tool ? ` (${e.tool})` : ''}${e.at !== null ? ` at +${formatElapsed(Math.max(0, e.at - m.startTime))}` : ''}`, tone: 'bad' } as Cell,
        detail: `${e.message}${e.recoveryAction ? `\n→ then: ${e.recoveryAction}` : ''}`,
      })),
    });
  }
  const files = [...r.result.modifiedFiles.map((f) => `modified ${f}`), ...r.result.testCommands.map((c) => `ran tests: ${c}`)];
  if (files.length) doc.blocks.push({ kind: 'lines', title: 'Files and tests', items: files.map((text) => ({ text })) });
  doc.blocks.push({
    kind: 'lines',
    title: 'Transcript',
    items: [{ text: out.transcriptPath ?? { text: 'no longer on disk (Claude Code removes old transcripts)', tone: 'dim' } }],
  });
  return doc;
}

/** The run with its parent above and its children below, and the runs beside it. */
function chainLines(out: ShowOutput): { text: Cell; detail?: string }[] {
  const { parent, children, parallel } = out.chain;
  const r = out.execution;
  const lines: { text: Cell; detail?: string }[] = [];
  const indent = parent ? '  ' : '';
  lines.push({ text: parent ? chainText(parent) : `${r.request.triggeredBy === 'user' ? 'user prompt' : r.request.triggeredBy}` });
  lines.push({ text: { text: `${indent}└─ this run: ${r.agentType} ${r.id.slice(0, 10)} (${r.result.status})`, tone: 'strong' } });
  children.forEach((c, i) => lines.push({ text: `${indent}   ${i === children.length - 1 ? '└─' : '├─'} ${chainText(c)}` }));
  if (parallel.length) lines.push({ text: `in parallel with: ${parallel.map(chainText).join('; ')}` });
  return lines;
}

function chainText(c: ChainRun): string {
  if (c.agent === null) return `${c.id.slice(0, 10)} (no record)`;
  return `${c.agent} ${c.id.slice(0, 10)} (${c.status}, ${formatElapsed(c.duration)})`;
}

function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function localTime(iso: string): string {
  return localDateTime(new Date(iso), { seconds: true });
}
