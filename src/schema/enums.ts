import * as z from 'zod/mini';

export const ExecutionStatus = z.enum(['success', 'partial', 'failed']);
export type ExecutionStatus = z.infer<typeof ExecutionStatus>;

export const Priority = z.enum(['high', 'medium', 'low']);
export type Priority = z.infer<typeof Priority>;

export const ClosedBy = z.enum(['PostToolUse', 'PostToolUseFailure', 'SubagentStop', 'StopFailure', 'task-notification', 'SessionEnd', 'timeout']);
export type ClosedBy = z.infer<typeof ClosedBy>;
