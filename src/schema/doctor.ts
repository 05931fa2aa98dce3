import * as z from 'zod/mini';
import { described } from './describe.js';

// What `agent-track doctor --json` prints. Published as schema/doctor.schema.json.

export const CheckLevel = z.enum(['ok', 'warn', 'fail']);
export type CheckLevel = z.infer<typeof CheckLevel>;

export const DoctorCheck = z.object({
  level: CheckLevel,
  title: z.string(),
  details: described(z.array(z.string()), 'What was found and, when something is off, what to do about it'),
});
export type DoctorCheck = z.infer<typeof DoctorCheck>;

export const DoctorOutput = z.object({
  ok: described(z.boolean(), 'False (exit code 1) when any check failed'),
  checks: z.array(DoctorCheck),
});
export type DoctorOutput = z.infer<typeof DoctorOutput>;
