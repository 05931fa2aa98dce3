import { lightFormat } from 'date-fns';

// Instants in local time as people read them (tables, prune's text). The day
// folders' names come from period.ts's localDay, which the hook also uses and
// so is written out by hand rather than pulling date-fns into its bundle.

/** "2026-11-25 17:40", or "2026-11-25 17:40:12" with seconds. */
export function localDateTime(at: number | Date, { seconds = false }: { seconds?: boolean } = {}): string {
  return lightFormat(at, seconds ? 'yyyy-MM-dd HH:mm:ss' : 'yyyy-MM-dd HH:mm');
}

/** "17:40", or "17:40:12" with seconds. */
export function localClockTime(at: number | Date, { seconds = false }: { seconds?: boolean } = {}): string {
  return lightFormat(at, seconds ? 'HH:mm:ss' : 'HH:mm');
}
