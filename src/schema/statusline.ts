import * as z from 'zod/mini';

// What Claude Code pipes to a statusLine command (and, for --alerts, to a
// SessionStart hook): only the fields agent-track reads. Unknown fields are
// kept out of the way, missing ones are fine: a statusline never fails.

export const StatuslinePayload = z.looseObject({
  session_id: z.optional(z.string()),
  cwd: z.optional(z.string()),
  hook_event_name: z.optional(z.string()),
  workspace: z.optional(z.looseObject({ current_dir: z.optional(z.string()), project_dir: z.optional(z.string()) })),
});
export type StatuslinePayload = z.infer<typeof StatuslinePayload>;
