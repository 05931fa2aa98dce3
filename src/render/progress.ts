// A one-line progress bar on stderr, for a terminal only. Hand-rolled: it is
// a dozen lines, and a library would add more to the CLI bundle than it saves.

import { CLEAR_LINE } from './ansi.js';

const WIDTH = 30;
/** Redraw at most this often: a terminal write per session would cost more than the session. */
const REDRAW_MS = 100;

export function progressBar(stream: NodeJS.WritableStream, unit: string) {
  let last = 0;
  return {
    update(done: number, total: number): void {
      const now = Date.now();
      if (now - last < REDRAW_MS && done < total) return;
      last = now;
      const filled = total ? Math.round((done / total) * WIDTH) : WIDTH;
      stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${done}/${total} ${unit}`);
    },
    done(): void {
      stream.write(CLEAR_LINE);
    },
  };
}
