import { plural } from '../analytics/format.js';
import { CLEAR_TO_LINE_END, CLEAR_TO_SCREEN_END, CURSOR_HOME, ENTER_ALT_SCREEN, LEAVE_ALT_SCREEN, RESET_STYLE, STYLE_CODE } from './ansi.js';
import { displayWidth, fitColumns, terminalWidth } from './width.js';

// A view redrawn in place (`status --watch`). It never clears the screen
// before drawing, which is what makes redraws flicker: each frame moves the
// cursor home and overwrites line by line, clearing only what is left of each
// line and below the last one. It draws on the alternate screen, like `top`
// and `less`, so the shell's scrollback is back untouched after Ctrl-C.

export const ENTER = ENTER_ALT_SCREEN;
export const LEAVE = LEAVE_ALT_SCREEN;

/**
 * One frame: cursor home, each line followed by clear-to-end-of-line, then
 * clear-to-end-of-screen. At most `rows` lines, so the terminal never scrolls
 * (a scrolled frame would be drawn one line off next time).
 */
export function frame(text: string, rows: number): string {
  let lines = text.replace(/\n$/, '').split('\n');
  if (lines.length > rows) {
    const hidden = lines.length - rows + 1;
    lines = [...lines.slice(0, Math.max(0, rows - 1)), `… ${plural(hidden, 'more line')}: make the terminal taller`];
  }
  return `${CURSOR_HOME}${lines.map((line) => `${line}${CLEAR_TO_LINE_END}`).join('\n')}${CLEAR_TO_SCREEN_END}`;
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

  constructor(
    private readonly out: Screen,
    private readonly env: NodeJS.ProcessEnv = {},
  ) {}

  get interactive(): boolean {
    return this.out.isTTY === true;
  }

  get width(): number {
    // Read each frame: the terminal may have been resized since the last one.
    return terminalWidth(this.out, this.env);
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

// Colour codes take no columns: they are copied through while the text between them is counted.
function clipLine(line: string, width: number): string {
  const pieces = splitStyles(line);
  if (displayWidth(pieces.filter((p) => !p.code).map((p) => p.text).join('')) <= width) return line;
  let out = '';
  let room = width;
  for (const piece of pieces) {
    if (piece.code) {
      out += piece.text;
      continue;
    }
    const fit = fitColumns(piece.text, room);
    out += fit;
    room -= displayWidth(fit);
    if (fit.length < piece.text.length) break;
  }
  return `${out}${RESET_STYLE}`;
}

/** A line as its text and its colour codes, in order. */
function splitStyles(line: string): { text: string; code: boolean }[] {
  const pieces: { text: string; code: boolean }[] = [];
  let start = 0;
  for (let i = line.indexOf('\u001b'); i !== -1; i = line.indexOf('\u001b', i + 1)) {
    STYLE_CODE.lastIndex = i;
    const code = STYLE_CODE.exec(line);
    if (!code) continue;
    if (i > start) pieces.push({ text: line.slice(start, i), code: false });
    pieces.push({ text: code[0], code: true });
    start = i + code[0].length;
    i = start - 1;
  }
  if (start < line.length) pieces.push({ text: line.slice(start), code: false });
  return pieces;
}
