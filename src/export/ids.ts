import { hash } from 'node:crypto';

// Trace and span ids derived from the records, never random: the same
// execution exported twice (a retry, a corrected record, a second machine
// re-sending) is the same span, so a collector or backend sees one span.

/** One trace per user prompt; a run with no prompt id (older Claude Code) gets its session's trace. */
export function traceIdOf(sessionId: string, promptId: string | null): string {
  return nonZero(sha256Hex(`agent-track trace\0${sessionId}\0${promptId ?? ''}`).slice(0, 32));
}

export function agentSpanIdOf(executionId: string): string {
  return nonZero(sha256Hex(`agent-track span\0${executionId}`).slice(0, 16));
}

/**
 * The n-th tool call of an execution (its place in metrics.toolTimeline): 48
 * bits from the execution, 16 from the index. One hash per execution instead
 * of one per call, which a 100,000-run export would feel.
 */
export function toolSpanIdsOf(executionId: string): (index: number) => string {
  const base = sha256Hex(`agent-track tool\0${executionId}`).slice(0, 12);
  return (index) => nonZero(`${base}${(index & 0xffff).toString(16).padStart(4, '0')}`);
}

/** All-zero ids are invalid in OTLP; a hash that gives one (odds 2^-64) is nudged. (The first digit first: a regex per id shows in a big export's profile.) */
function nonZero(hex: string): string {
  return hex.charCodeAt(0) === 48 && /^0+$/.test(hex) ? `${hex.slice(0, -1)}1` : hex;
}

/**
 * node:crypto, not the store's pure-JS sha256Hex: that one spares the hook
 * loading node:crypto, but costs ~10x more per hash, and an export of 100,000
 * runs hashes a few hundred thousand times. The one-shot crypto.hash, not a
 * Hash object: a third of the cost for texts this short.
 */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}
