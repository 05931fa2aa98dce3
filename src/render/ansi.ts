import { createColors } from 'picocolors';

// Every escape sequence the CLI writes, in one place: colours from picocolors
// (the callers decide whether colour is on: a TTY without NO_COLOR), and the
// few cursor controls of `status --watch` and the progress bar.

export type Style = 'good' | 'warn' | 'bad' | 'dim' | 'strong' | 'header';

// Always-on colours: whether to colour is the caller's decision (CommandContext.color), not the library's guess.
const colors = createColors(true);

const STYLE: Record<Style, (text: string) => string> = {
  good: colors.green,
  warn: colors.yellow,
  bad: colors.red,
  dim: colors.dim,
  strong: colors.bold,
  header: colors.bold,
};

/** `text` in `style` when colour is on; empty text and no style stay as they are. */
export function paint(text: string, style: Style | undefined, color: boolean): string {
  return color && style && text ? STYLE[style](text) : text;
}

const CSI = '\u001b[';
/** The alternate screen with the cursor hidden, and back (like `top` and `less`). */
export const ENTER_ALT_SCREEN = `${CSI}?1049h${CSI}?25l`;
export const LEAVE_ALT_SCREEN = `${CSI}?25h${CSI}?1049l`;
export const CURSOR_HOME = `${CSI}H`;
export const CLEAR_TO_LINE_END = `${CSI}K`;
export const CLEAR_TO_SCREEN_END = `${CSI}J`;
export const RESET_STYLE = `${CSI}0m`;
/** Back to the start of the line and clear it (a progress bar's last redraw). */
export const CLEAR_LINE = `\r${CSI}K`;

/** A colour or style code (SGR), which takes no columns; sticky, for scanning a line from a given index. */
export const STYLE_CODE = /\u001b\[[0-9;]*m/y;
