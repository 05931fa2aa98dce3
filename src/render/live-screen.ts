import { displayWidth } from './terminal.js';

// A view redrawn in place (`status --watch`). It never clears the screen
// before drawing, which is what makes redraws flicker: each frame moves the
// cursor home and overwrites line by line, clearing only what is left of each
// line and below the last one. It draws on the alternate screen, like `top`
// and `less`, so the shell's scrollback is back untouched after Ctrl-C.

const ESC = '\u001b[';
export const ENTER = `${ESC}?1049h${ESC}?25l`;
export const LEAVE = `${ESC}?25h${ESC}?1049l`;

/**
 * One frame: cursor home, each line followed by clear-to-end-of-line, then
 * clear-to-end-of-screen. At most `rows` lines, so the terminal never scrolls
 * (a scrolled frame would be drawn one line off next time).
 */
export function frame(text: string, rows: number): string {
  let lines = text.replace(/\n$/, '').split('\n');
  if (lines.length > rows) {
    const hidden = lines.length - rows + 1;
    lines = [...lines.slice(0, Math.max(0, rows - 1)), `… ${hidden} more line${hidden === 1 ? '' : 's'}: make the terminal taller`];
  }
  return `${ESC}H${lines.map((line) => `${line}${ESC}K`).join('\n')}${ESC}J`;
}

export interface Screen {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}

/** Redraws in place on a terminal; elsewhere (a pipe, a file) prints frame after frame. */
export class LiveScreen {
  private entered = false;

  constructor(private readonly out: Screen) {}

  get interactive(): boolean {
    return this.out.isTTY === true;
  }

  get width(): number {
    return this.interactive ? (this.out.columns ?? 80) : Infinity;
  }

  draw(text: string): void {
    if (!this.interactive) {
      this.out.write(text.endsWith('\n') ? `${text}\n` : `${text}\n\n`);
      return;
    }
    if (!this.entered) {
      this.out.write(ENTER);
      this.entered = true;
    }
    this.out.write(frame(text, Math.max(1, this.out.rows ?? 24)));
  }

  /** Gives the terminal back as it was: cursor shown, the normal screen restored. */
  close(): void {
    if (this.entered) this.out.write(LEAVE);
    this.entered = false;
  }
}

/** Cut each line to the terminal width so none wraps (a wrapped line would push the frame down). */
export function clip(text: string, width: number): string {
  if (!Number.isFinite(width)) return text;
  return text
    .split('\n')
    .map((line) => clipLine(line, width))
    .join('\n');
}

// ANSI colour codes take no columns; they are copied through while the visible text is counted.
const SGR = /\u001b\[[0-9;]*m/y;

function clipLine(line: string, width: number): string {
  if (displayWidth(line.replace(/\u001b\[[0-9;]*m/g, '')) <= width) return line;
  let out = '';
  let used = 0;
  let i = 0;
  while (i < line.length) {
    SGR.lastIndex = i;
    const code = SGR.exec(line);
    if (code) {
      out += code[0];
      i += code[0].length;
      continue;
    }
    const char = String.fromCodePoint(line.codePointAt(i)!);
    const w = displayWidth(char);
    if (used + w > width) break;
    out += char;
    used += w;
    i += char.length;
  }
  return `${out}${ESC}0m`;
}
