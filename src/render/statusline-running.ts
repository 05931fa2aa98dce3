import { printable } from './sanitize.js';

// The statusline's running part: the session's subagents in flight, each with
// its elapsed time against its expected one ("▶ code-reviewer 42s/1m30s").
// The only part of the line that moves with the clock, so it is drawn from
// the runs and `now` alone: by the full statusline (render/statusline.ts),
// and at print time by the warm path from the runs its kept line holds
// (live/line-snapshot.ts), with this one function. Pure, and small: the warm
// path's bundle carries it.

/** Runs named on the line; the others are counted ("+2"). */
export const RUNNING_SHOWN = 3;
const NAME_MAX = 24;

export interface RunningRun {
  agentType: string;
  /** When it started (ms). */
  startTime: number;
  /** Its agent type's median duration over the last days (ms); null when it has none. */
  expectedMs: number | null;
}

export interface RunningRuns {
  /** The first RUNNING_SHOWN to start, earliest first. */
  shown: RunningRun[];
  /** How many run, the shown ones included. */
  count: number;
}

/** The runs the line names, earliest start first (a stable sort: runs that started together keep their order). */
export function runningShown(runs: readonly RunningRun[]): RunningRuns {
  const sorted = [...runs].sort((a, b) => a.startTime - b.startTime);
  return { shown: sorted.slice(0, RUNNING_SHOWN), count: runs.length };
}

/** "▶ code-reviewer 42s/1m30s ⏰ tester 3m05s/2m10s +1" at `now` (`⏰` past the expected time, `?` with none); '' with no run. */
export function runningSegment({ shown, count }: RunningRuns, now: number): string {
  if (count === 0) return '';
  const parts = shown.map((r) => {
    const elapsed = now - r.startTime;
    const late = r.expectedMs !== null && elapsed > r.expectedMs;
    return `${late ? '⏰' : '▶'} ${short(r.agentType)} ${clock(elapsed)}/${r.expectedMs === null ? '?' : clock(r.expectedMs)}`;
  });
  if (count > shown.length) parts.push(`+${count - shown.length}`);
  return parts.join(' ');
}

/** The whole line at `now`: the running part, then the rest as drawn. */
export function withRunning(running: RunningRuns | null | undefined, rest: string, now: number): string {
  const segment = running ? runningSegment(running, now) : '';
  return segment ? `${segment} · ${rest}` : rest;
}

/** A name as the line shows it: printable, and cut to NAME_MAX characters. */
export function short(name: string): string {
  const clean = printable(name);
  return clean.length > NAME_MAX ? `${clean.slice(0, NAME_MAX - 1)}…` : clean;
}

/** "42s", "3m05s", "1h02m": compact, fixed shape. */
function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
