import type { FragmentExecution, WorkflowTally } from '../schema/summary.js';

// A workflow is everything one user prompt (prompt_id) launched. Its shape is
// a sequence of stages; agents launched together (parallel Agent calls in one
// turn, overlapping runs) share a stage, so "[a | b] → c" reads as "a and b in
// parallel, then c", whatever order their hooks happened to fire in. An agent
// launched by another agent is shown inside its parent: "a(b → c)".
//
// Day summaries key their tallies by the shape as compact JSON (a heavy day
// has hundreds of distinct shapes; names and agent lists are derived from the
// key when a report needs them, not stored with every tally).

/**
 * A background agent returns to the main thread at once, so it marks a launch,
 * not a span: only what starts within this window of it counts as launched
 * with it. Otherwise everything that ran while it worked would join its stage.
 */
export const LAUNCH_WINDOW_MS = 1_000;

/** An agent type, or an agent type with the stages of the agents it launched. */
export type Member = string | [agent: string, children: Shape];
export type Shape = Member[][];

export interface WorkflowRun {
  key: string;
  executions: number;
  wallTime: number;
  succeeded: boolean;
}

export interface WorkflowInfo {
  /** "a → [b | c] → d(e)" */
  name: string;
  /** Stages as readable labels. */
  stages: string[][];
  /** Every agent type involved, nested ones included. */
  agents: string[];
}

export function workflowRun(executions: readonly FragmentExecution[]): WorkflowRun {
  const ids = new Set(executions.map((e) => e.id));
  const children = new Map<string, FragmentExecution[]>();
  const topLevel: FragmentExecution[] = [];
  for (const execution of executions) {
    const parent = execution.parentExecutionId;
    if (parent !== null && parent !== execution.id && ids.has(parent)) {
      const list = children.get(parent) ?? [];
      list.push(execution);
      children.set(parent, list);
    } else {
      topLevel.push(execution);
    }
  }
  let first = Infinity;
  let last = -Infinity;
  for (const execution of executions) {
    first = Math.min(first, execution.startTime);
    last = Math.max(last, endOf(execution));
  }
  return {
    key: JSON.stringify(shapeOf(topLevel, children, new Set())),
    executions: executions.length,
    wallTime: executions.length ? Math.max(0, Math.round(last - first)) : 0,
    succeeded: executions.every((e) => e.status === 'success'),
  };
}

/** Name, labels and agents of a shape key. */
export function describeWorkflow(key: string): WorkflowInfo {
  const shape = JSON.parse(key) as Shape;
  const agents = new Set<string>();
  collectAgents(shape, agents);
  return { name: nameOf(shape), stages: shape.map((stage) => stage.map(labelOf)), agents: [...agents].sort() };
}

export function nameOf(shape: Shape): string {
  return shape.map((stage) => (stage.length === 1 ? labelOf(stage[0]!) : `[${stage.map(labelOf).join(' | ')}]`)).join(' → ');
}

function labelOf(member: Member): string {
  return typeof member === 'string' ? member : `${member[0]}(${nameOf(member[1])})`;
}

function collectAgents(shape: Shape, into: Set<string>): void {
  for (const stage of shape) {
    for (const member of stage) {
      if (typeof member === 'string') into.add(member);
      else {
        into.add(member[0]);
        collectAgents(member[1], into);
      }
    }
  }
}

/** One run added to the tally of its shape: [runs, succeeded, executions, wallTime]. */
export function addRun(tallies: Map<string, WorkflowTally>, run: WorkflowRun): void {
  const tally = tallies.get(run.key);
  if (tally) {
    tally[0]++;
    tally[1] += run.succeeded ? 1 : 0;
    tally[2] += run.executions;
    tally[3] += run.wallTime;
  } else {
    tallies.set(run.key, [1, run.succeeded ? 1 : 0, run.executions, run.wallTime]);
  }
}

export function mergeTally(tallies: Map<string, WorkflowTally>, key: string, other: WorkflowTally): void {
  const tally = tallies.get(key);
  if (tally) {
    tally[0] += other[0];
    tally[1] += other[1];
    tally[2] += other[2];
    tally[3] += other[3];
  } else {
    tallies.set(key, [other[0], other[1], other[2], other[3]]);
  }
}

function endOf(execution: FragmentExecution): number {
  return execution.endTime ?? execution.startTime + (execution.duration ?? 0);
}

function shapeOf(executions: readonly FragmentExecution[], children: Map<string, FragmentExecution[]>, visiting: Set<string>): Shape {
  const ordered = [...executions].sort((a, b) => a.startTime - b.startTime || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const stages: Member[][] = [];
  let stage: Member[] | null = null;
  let stageEnd = -Infinity;
  let foreground = new Set<string>();
  for (const execution of ordered) {
    const launchedWith =
      stage !== null &&
      (execution.startTime < stageEnd || (!execution.background && execution.parallelWith.some((id) => foreground.has(id))));
    if (!launchedWith || stage === null) {
      stage = [];
      stages.push(stage);
      stageEnd = -Infinity;
      foreground = new Set();
    }
    stage.push(memberOf(execution, children, visiting));
    stageEnd = Math.max(stageEnd, execution.background ? execution.startTime + LAUNCH_WINDOW_MS : endOf(execution));
    if (!execution.background) foreground.add(execution.id);
  }
  // Parallel launches have no meaningful order: a stage is kept sorted.
  for (const s of stages) s.sort((a, b) => compareKeys(JSON.stringify(a), JSON.stringify(b)));
  return stages;
}

function memberOf(execution: FragmentExecution, children: Map<string, FragmentExecution[]>, visiting: Set<string>): Member {
  const own = children.get(execution.id);
  // A corrupt chain could loop; a parent already being expanded is not expanded again.
  if (!own || visiting.has(execution.id)) return execution.agentType;
  visiting.add(execution.id);
  const shape = shapeOf(own, children, visiting);
  visiting.delete(execution.id);
  return [execution.agentType, shape];
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
