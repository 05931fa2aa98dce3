import type { RecentExecution, RecentPack } from '../schema/dashboard.js';
import type { RunDetail } from '../schema/runs.js';

// The recent executions and their details, packed for the page and unpacked
// by its script. 500 runs as plain objects were 720 KB of a 985 KB page:
// every run repeated its agent type, status, tool names, model and session
// as text, and its detail repeated what its table row already said. Here the
// runs are columns, every text is stored once in a string table (the most
// used first, so they get the shortest indices), times are offsets from one
// base, and a row's error count, error types, first error and billed total
// are read from its detail rather than stored twice. Pure, no DOM and no
// Node: the page's script imports unpackRecent.

/** One recent run: its table row and what a click on it opens. */
export interface RecentRun {
  row: RecentExecution;
  detail: RunDetail;
}

/**
 * A prompt in the page is cut to this many characters: its first two lines
 * say what was asked, and 500 prompts of a few KB each would be most of the
 * page. `agent-track show <id>` has it whole.
 */
export const PROMPT_SHOWN = 160;

type Ref = number | string;

export function packRecent(input: { days: string[]; total: number; promptShown: number; runs: readonly RecentRun[] }): RecentPack {
  const { runs } = input;
  const base = runs.reduce((min, r) => Math.min(min, Date.parse(r.row.startTime)), Infinity);
  const rowOf = new Map(runs.map((r, i) => [r.row.id, i]));
  // A chain member among the recent runs is its row; another is its id.
  const ref = (id: string): Ref => rowOf.get(id) ?? id;

  // Two passes with the same encoding: the first counts each text's uses, the second writes indices ordered by use.
  const counts = new Map<string, number>();
  encodeRuns(runs, base === Infinity ? 0 : base, ref, (text) => {
    counts.set(text, (counts.get(text) ?? 0) + 1);
    return 0;
  });
  const strings = [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)! || (a < b ? -1 : a > b ? 1 : 0));
  const indexOf = new Map(strings.map((text, i) => [text, i]));
  const columns = encodeRuns(runs, base === Infinity ? 0 : base, ref, (text) => indexOf.get(text)!);
  return { days: input.days, total: input.total, base: base === Infinity ? 0 : base, promptShown: input.promptShown, strings, runs: columns };
}

function encodeRuns(runs: readonly RecentRun[], base: number, ref: (id: string) => Ref, text: (value: string) => number): RecentPack['runs'] {
  const maybe = (value: string | null) => (value === null ? null : text(value));
  const c: RecentPack['runs'] = {
    id: [], agent: [], status: [], start: [], duration: [], tokensUsed: [], background: [],
    description: [], prompt: [], promptLength: [], model: [], session: [],
    parent: [], children: [], parallel: [], errors: [], tokens: [], costUsd: [],
    toolCalls: [], files: [], tests: [], timeline: [], timelineTotal: [], transcript: [],
  };
  for (const { row, detail: d } of runs) {
    c.id.push(row.id);
    c.agent.push(text(row.agent));
    c.status.push(text(row.status));
    c.start.push(Date.parse(row.startTime) - base);
    c.duration.push(row.duration);
    c.tokensUsed.push(row.tokensUsed);
    c.background.push(row.background ? 1 : 0);
    c.description.push(maybe(d.description));
    c.prompt.push(maybe(d.prompt));
    c.promptLength.push(d.promptLength);
    c.model.push(maybe(d.model));
    c.session.push(text(d.sessionId));
    c.parent.push(d.chain.parent === null ? null : ref(d.chain.parent));
    c.children.push(d.chain.children.map(ref));
    c.parallel.push(d.chain.parallel.map(ref));
    c.errors.push(d.errors.map((e) => [text(e.type), text(e.message), maybe(e.tool), maybe(e.recoveryAction)]));
    const t = d.billedTokens;
    c.tokens.push(t === null ? null : [t.input, t.output, t.cacheCreation, t.cacheRead]);
    c.costUsd.push(d.costUsd);
    c.toolCalls.push(d.toolCalls.flatMap((t) => [text(t.tool), t.calls, t.failures]));
    c.files.push(d.modifiedFiles.map(text));
    c.tests.push(d.testCommands.map(text));
    c.timeline.push(d.timeline.calls.map((call) => [text(call.tool), call.start, call.duration, call.ok ? 1 : 0]));
    c.timelineTotal.push(d.timeline.total);
    // The folder is shared by a session's runs: stored once, the file name beside it.
    const path = d.transcriptPath;
    const slash = path === null ? -1 : path.lastIndexOf('/') + 1;
    c.transcript.push(path === null ? null : [text(path.slice(0, slash)), path.slice(slash)]);
  }
  return c;
}

/** The runs as the page's table and detail view use them, latest first. */
export function unpackRecent(pack: RecentPack): RecentRun[] {
  const { strings, runs: c } = pack;
  const at = (index: number) => strings[index]!;
  const maybe = (index: number | null) => (index === null ? null : at(index));
  const id = (ref: Ref) => (typeof ref === 'number' ? c.id[ref]! : ref);
  return c.id.map((runId, i) => {
    const errors = c.errors[i]!.map(([type, message, tool, recovery]) => ({ type: at(type), message: at(message), tool: maybe(tool), recoveryAction: maybe(recovery) }));
    const tokens = c.tokens[i]!;
    const flat = c.toolCalls[i]!;
    const toolCalls: RunDetail['toolCalls'] = [];
    for (let k = 0; k + 2 < flat.length; k += 3) toolCalls.push({ tool: at(flat[k]!), calls: flat[k + 1]!, failures: flat[k + 2]! });
    const transcript = c.transcript[i]!;
    const detail: RunDetail = {
      description: maybe(c.description[i]!),
      prompt: maybe(c.prompt[i]!),
      promptLength: c.promptLength[i]!,
      model: maybe(c.model[i]!),
      sessionId: at(c.session[i]!),
      chain: { parent: c.parent[i] === null ? null : id(c.parent[i]!), children: c.children[i]!.map(id), parallel: c.parallel[i]!.map(id) },
      errors,
      billedTokens: tokens === null ? null : { input: tokens[0], output: tokens[1], cacheCreation: tokens[2], cacheRead: tokens[3] },
      costUsd: c.costUsd[i]!,
      toolCalls,
      modifiedFiles: c.files[i]!.map(at),
      testCommands: c.tests[i]!.map(at),
      timeline: { calls: c.timeline[i]!.map(([tool, start, duration, ok]) => ({ tool: at(tool), start, duration, ok: ok === 1 })), total: c.timelineTotal[i]! },
      transcriptPath: transcript === null ? null : at(transcript[0]) + transcript[1],
    };
    const row: RecentExecution = {
      id: runId,
      agent: at(c.agent[i]!),
      status: at(c.status[i]!) as RecentExecution['status'],
      startTime: new Date(pack.base + c.start[i]!).toISOString(),
      duration: c.duration[i]!,
      tokensUsed: c.tokensUsed[i]!,
      billedTokens: tokens === null ? null : tokens[0] + tokens[1] + tokens[2] + tokens[3],
      errors: errors.length,
      errorTypes: [...new Set(errors.map((e) => e.type))],
      firstError: errors[0]?.message ?? null,
      background: c.background[i] === 1,
    };
    return { row, detail };
  });
}
