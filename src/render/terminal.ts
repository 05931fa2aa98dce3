import { cellText, printableDocument, toneOf, type Block, type Cell, type Column, type Document, type Facts, type Lines, type Table, type Tone } from './document.js';
import { sparkline } from './sparkline.js';

// A Document for a person at a terminal: tables fit the width by dropping
// their least important columns (and saying which), then by cutting long
// names; colour only when the caller allows it (a TTY without NO_COLOR).

export interface TerminalOptions {
  /** Columns available; Infinity when the output is not a terminal. */
  width: number;
  color: boolean;
}

const GAP = 2;
const MIN_FLEX = 10;
const MIN_KEY = 24;
const MIN_SPARK = 8;
const MAX_SPARK = 40;

const ANSI: Record<Tone | 'header', [number, number]> = {
  good: [32, 39],
  warn: [33, 39],
  bad: [31, 39],
  dim: [2, 22],
  strong: [1, 22],
  header: [1, 22],
};

export function renderTerminal(document: Document, options: TerminalOptions): string {
  const doc = printableDocument(document);
  const paint = (text: string, tone: Tone | 'header' | undefined) =>
    options.color && tone && text ? `\u001b[${ANSI[tone][0]}m${text}\u001b[${ANSI[tone][1]}m` : text;
  const out: string[] = [paint(doc.title, 'strong')];
  if (doc.subtitle) out.push(paint(doc.subtitle, 'dim'));
  for (const block of doc.blocks) {
    out.push('');
    out.push(...renderBlock(block, options.width, paint));
  }
  return `${out.join('\n')}\n`;
}

type Paint = (text: string, tone: Tone | 'header' | undefined) => string;

function renderBlock(block: Block, width: number, paint: Paint): string[] {
  switch (block.kind) {
    case 'table':
      return renderTable(block, width, paint);
    case 'facts':
      return renderFacts(block, width, paint);
    case 'lines':
      return renderLines(block, width, paint);
  }
}

function renderFacts(block: Facts, width: number, paint: Paint): string[] {
  const out: string[] = block.title ? [paint(block.title, 'header')] : [];
  let line = '';
  let lineWidth = 0;
  for (const [label, value] of block.items) {
    const text = typeof value === 'object' && 'spark' in value ? sparkline(value.spark, MAX_SPARK, value.zeroBased) : cellText(value);
    const itemWidth = displayWidth(label) + 1 + displayWidth(text);
    if (lineWidth > 0 && lineWidth + 3 + itemWidth > width) {
      out.push(line);
      line = '';
      lineWidth = 0;
    }
    const item = `${paint(label, 'dim')} ${paint(text, toneOf(value))}`;
    line = lineWidth ? `${line}   ${item}` : item;
    lineWidth += (lineWidth ? 3 : 0) + itemWidth;
  }
  if (line) out.push(line);
  return out;
}

function renderLines(block: Lines, width: number, paint: Paint): string[] {
  const out: string[] = block.title ? [paint(block.title, 'header')] : [];
  for (const item of block.items) {
    const lines = wrap(cellText(item.text), width - 2);
    out.push(...lines.map((l, i) => (i === 0 ? `• ${paint(l, toneOf(item.text))}` : `  ${paint(l, toneOf(item.text))}`)));
    if (item.detail) out.push(...wrap(item.detail, width - 4).map((l, i) => (i === 0 ? `  → ${l}` : `    ${l}`)));
  }
  if (block.note) out.push(paint(block.note, 'dim'));
  return out;
}

function renderTable(table: Table, width: number, paint: Paint): string[] {
  const out: string[] = table.title ? [paint(table.title, 'header')] : [];
  const natural = table.columns.map((column, i) =>
    Math.max(
      displayWidth(column.header),
      ...table.rows.map((row) => {
        const cell = row[i] ?? '';
        return typeof cell === 'object' && 'spark' in cell ? Math.min(MAX_SPARK, Math.max(MIN_SPARK, cell.spark.length)) : displayWidth(cellText(cell));
      }),
    ),
  );
  const isSpark = table.columns.map((_, i) => table.rows.some((row) => typeof row[i] === 'object' && 'spark' in (row[i] as object)));
  // A key column (priority 0, e.g. the agent name) keeps up to MIN_KEY characters
  // before any other column is given up; other text columns shrink to MIN_FLEX.
  const minimum = (i: number) => {
    const column = table.columns[i]!;
    if (isSpark[i]) return MIN_SPARK;
    if (!column.flex) return natural[i]!;
    const floor = (column.priority ?? 0) === 0 ? MIN_KEY : MIN_FLEX;
    return Math.min(natural[i]!, Math.max(floor, displayWidth(column.header)));
  };
  const total = (cols: number[], width: (i: number) => number) => cols.reduce((n, i) => n + width(i), 0) + GAP * Math.max(0, cols.length - 1);
  let visible = table.columns.map((_, i) => i);
  const hidden: string[] = [];
  // Drop the least important columns while the rest do not fit even when cut to their minimum.
  while (total(visible, minimum) > width) {
    const droppable = visible.filter((i) => (table.columns[i]!.priority ?? 0) > 0);
    if (droppable.length === 0) break;
    const drop = droppable.reduce((a, b) => ((table.columns[b]!.priority ?? 0) >= (table.columns[a]!.priority ?? 0) ? b : a));
    hidden.push(table.columns[drop]!.header);
    visible = visible.filter((i) => i !== drop);
  }
  const widths = [...natural];
  let excess = total(visible, (i) => widths[i]!) - width;
  // Cut the least important columns first, and the key column last.
  for (const i of [...visible].sort((a, b) => (table.columns[b]!.priority ?? 0) - (table.columns[a]!.priority ?? 0))) {
    if (excess <= 0) break;
    const give = Math.min(excess, widths[i]! - Math.min(minimum(i), isSpark[i] ? MIN_SPARK : table.columns[i]!.flex ? MIN_FLEX : natural[i]!));
    if (give > 0) {
      widths[i]! -= give;
      excess -= give;
    }
  }

  const line = (cells: string[]) => cells.join(' '.repeat(GAP)).replace(/\s+$/, '');
  out.push(line(visible.map((i) => paint(pad(table.columns[i]!.header, widths[i]!, table.columns[i]!.align), 'header'))));
  out.push(paint('─'.repeat(Math.min(total(visible, (i) => widths[i]!), width)), 'dim'));
  for (const row of table.rows) {
    out.push(
      line(
        visible.map((i) => {
          const cell: Cell = row[i] ?? '';
          if (typeof cell === 'object' && 'spark' in cell) return pad(sparkline(cell.spark, widths[i]!, cell.zeroBased), widths[i]!, 'left');
          const text = truncate(cellText(cell), widths[i]!);
          return paint(pad(text, widths[i]!, table.columns[i]!.align), toneOf(cell));
        }),
      ),
    );
  }
  if (table.note) out.push(paint(table.note, 'dim'));
  if (hidden.length) {
    out.push(paint(`(${hidden.length === 1 ? 'column' : 'columns'} hidden to fit ${width} characters: ${hidden.join(', ')}; widen the terminal or use --format json)`, 'dim'));
  }
  return out;
}

function pad(text: string, width: number, align: 'left' | 'right' | undefined): string {
  const space = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'right' ? space + text : text + space;
}

function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = '';
  for (const char of text) {
    if (displayWidth(out + char) > width - 1) break;
    out += char;
  }
  return `${out.trimEnd()}…`;
}

export function wrap(text: string, width: number): string[] {
  if (!Number.isFinite(width) || displayWidth(text) <= width) return [text];
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && displayWidth(line) + 1 + displayWidth(word) > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** Columns a string takes in a terminal: wide East Asian characters and emoji take two, combining marks none. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x300) width += 1;
    else if (code <= 0x36f || (code >= 0x200b && code <= 0x200f) || code === 0xfe0f) width += 0;
    else if (
      (code >= 0x1100 && code <= 0x115f) ||
      (code >= 0x2e80 && code <= 0xa4cf) ||
      (code >= 0xac00 && code <= 0xd7a3) ||
      (code >= 0xf900 && code <= 0xfaff) ||
      (code >= 0xfe30 && code <= 0xfe4f) ||
      (code >= 0xff00 && code <= 0xff60) ||
      (code >= 0xffe0 && code <= 0xffe6) ||
      (code >= 0x1f300 && code <= 0x1faff) ||
      (code >= 0x20000 && code <= 0x3fffd)
    )
      width += 2;
    else width += 1;
  }
  return width;
}
