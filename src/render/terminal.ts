import { cellText, printableDocument, toneOf, type Block, type Cell, type Document, type Facts, type Lines, type Table, type Tone } from './document.js';
import { paint as style } from './ansi.js';
import { sparkLabel, sparkline } from './sparkline.js';
import { displayWidth, firstCluster, fitColumns } from './width.js';

export { displayWidth } from './width.js';

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

export function renderTerminal(document: Document, options: TerminalOptions): string {
  const doc = printableDocument(document);
  const paint: Paint = (text, tone) => style(text, tone, options.color);
  const out: string[] = wrap(doc.title, options.width).map((l) => paint(l, 'strong'));
  if (doc.subtitle) out.push(...wrap(doc.subtitle, options.width).map((l) => paint(l, 'dim')));
  for (const block of doc.blocks) {
    out.push('');
    out.push(...renderBlock(block, options.width, paint));
  }
  return `${out.join('\n')}\n`;
}

type Paint = (text: string, tone: Tone | 'header' | undefined) => string;

function renderBlock(block: Block, width: number, paint: Paint): string[] {
  const title = block.title ? wrap(block.title, width).map((l) => paint(l, 'header')) : [];
  switch (block.kind) {
    case 'table':
      return [...title, ...renderTable(block, width, paint)];
    case 'facts':
      return [...title, ...renderFacts(block, width, paint)];
    case 'lines':
      return [...title, ...renderLines(block, width, paint)];
  }
}

function renderFacts(block: Facts, width: number, paint: Paint): string[] {
  const out: string[] = [];
  let line = '';
  let lineWidth = 0;
  for (const [name, value] of block.items) {
    let label = name;
    let text: string;
    if (typeof value === 'object' && 'spark' in value) {
      // A series longer than the room left shows its last days, labelled so.
      const total = value.spark.length;
      let days = Math.min(total, MAX_SPARK, Math.max(1, width - displayWidth(label) - 1));
      while (days < total && days > 1 && displayWidth(sparkLabel(label, days, total)) + 1 + days > width) days--;
      label = sparkLabel(label, days, total);
      text = sparkline(value.spark.slice(total - days), value.zeroBased);
    } else text = truncate(cellText(value), Math.max(1, width - displayWidth(label) - 1));
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
  const out: string[] = [];
  for (const item of block.items) {
    const lines = wrap(cellText(item.text), width - 2);
    const bullet = block.plain ? '' : '• ';
    out.push(...lines.map((l, i) => (i === 0 ? `${bullet}${paint(l, toneOf(item.text))}` : `  ${paint(l, toneOf(item.text))}`)));
    if (item.detail) out.push(...wrap(item.detail, width - 4).map((l, i) => (i === 0 ? `  → ${l}` : `    ${l}`)));
  }
  if (block.note) out.push(...wrap(block.note, width).map((l) => paint(l, 'dim')));
  return out;
}

/** How one column is drawn: its width, and for a sparkline how many of its days. */
interface ColumnLayout {
  width: number;
  days: number;
}

function renderTable(table: Table, width: number, paint: Paint): string[] {
  const out: string[] = [];
  const layout = tableLayout(table, width);
  const { visible, hidden } = layout;
  const column = (i: number) => layout.columns[i]!;

  // trimEnd, not /\s+$/: that regex rescans every run of padding from each of its spaces (quadratic in a wide column).
  const line = (cells: string[]) => cells.join(' '.repeat(GAP)).trimEnd();
  const headerOf = (i: number) => {
    const c = table.columns[i]!;
    const text = layout.spark[i] ? sparkLabel(c.header, column(i).days, layout.spark[i]) : c.header;
    return pad(truncate(text, column(i).width), column(i).width, c.align);
  };
  const tableWidth = visible.reduce((n, i) => n + column(i).width, 0) + GAP * Math.max(0, visible.length - 1);
  out.push(line(visible.map((i) => paint(headerOf(i), 'header'))));
  out.push(paint('─'.repeat(Math.min(tableWidth, width)), 'dim'));
  for (const row of table.rows) {
    out.push(
      line(
        visible.map((i) => {
          const cell: Cell = row[i] ?? '';
          const { width: w, days } = column(i);
          if (typeof cell === 'object' && 'spark' in cell) return pad(sparkline(cell.spark.slice(Math.max(0, cell.spark.length - days)), cell.zeroBased), w, 'left');
          return paint(pad(truncate(cellText(cell), w), w, table.columns[i]!.align), toneOf(cell));
        }),
      ),
    );
  }
  if (table.note) out.push(...wrap(table.note, width).map((l) => paint(l, 'dim')));
  if (hidden.length) {
    const note = `(${hidden.length === 1 ? 'column' : 'columns'} hidden to fit ${width} characters: ${hidden.join(', ')}; widen the terminal or use --format json)`;
    out.push(...wrap(note, width).map((l) => paint(l, 'dim')));
  }
  return out;
}

/**
 * Fits a table into `width`, in this order: drop the least important columns
 * while the rest cannot fit even at their narrowest; then narrow sparklines
 * (to their last days), then other text columns, then the key column (the
 * agent name, never below MIN_KEY while anything else can give way, since cut
 * names make rows ambiguous). Headers are never cut while a column can be
 * dropped instead. Pure, so layouts are tested without a terminal.
 */
export function tableLayout(table: Table, width: number): { visible: number[]; hidden: string[]; columns: ColumnLayout[]; spark: number[] } {
  const n = table.columns.length;
  const priority = (i: number) => table.columns[i]!.priority ?? 0;
  // Days in the longest series of a sparkline column; 0 for other columns.
  const spark = table.columns.map((_, i) =>
    table.rows.reduce((max, row) => {
      const cell = row[i];
      return typeof cell === 'object' && 'spark' in cell ? Math.max(max, cell.spark.length) : max;
    }, 0),
  );
  const isSpark = (i: number) => table.rows.some((row) => typeof row[i] === 'object' && 'spark' in (row[i] as object));
  const isKey = (i: number) => !isSpark(i) && priority(i) === 0 && table.columns[i]!.flex === true;
  const sparkWidth = (i: number, days: number) => Math.max(days, displayWidth(sparkLabel(table.columns[i]!.header, days, spark[i]!)));
  const natural: ColumnLayout[] = table.columns.map((c, i) => {
    if (isSpark(i)) {
      const days = Math.min(spark[i]!, MAX_SPARK);
      return { width: sparkWidth(i, days), days };
    }
    return { width: Math.max(displayWidth(c.header), ...table.rows.map((row) => displayWidth(cellText(row[i] ?? '')))), days: 0 };
  });
  // The narrowest a column gets before anything is dropped.
  const minimum: ColumnLayout[] = table.columns.map((c, i) => {
    const full = natural[i]!;
    if (isSpark(i)) {
      // The fewest days whose labelled header ("Runs/day (last 20 d)") is no wider than the days themselves.
      let days = Math.min(full.days, MIN_SPARK);
      while (days < full.days && displayWidth(sparkLabel(c.header, days, spark[i]!)) > days) days++;
      return { width: sparkWidth(i, days), days };
    }
    if (!c.flex) return full;
    const floor = isKey(i) ? MIN_KEY : MIN_FLEX;
    return { width: Math.min(full.width, Math.max(floor, displayWidth(c.header))), days: 0 };
  });
  const total = (cols: number[], of: (i: number) => number) => cols.reduce((sum, i) => sum + of(i), 0) + GAP * Math.max(0, cols.length - 1);

  let visible = [...Array(n).keys()];
  const hidden: string[] = [];
  const drop = (i: number) => {
    hidden.push(table.columns[i]!.label ?? table.columns[i]!.header);
    visible = visible.filter((v) => v !== i);
  };
  // Least important first; among equals, the rightmost. Sparklines of priority 0 go before the key columns would be cut.
  while (total(visible, (i) => minimum[i]!.width) > width) {
    const droppable = visible.filter((i) => priority(i) > 0);
    const candidates = droppable.length ? droppable : visible.filter(isSpark);
    if (candidates.length === 0) break;
    drop(candidates.reduce((a, b) => (priority(b) >= priority(a) ? b : a)));
  }

  const columns = natural.map((c) => ({ ...c }));
  let excess = total(visible, (i) => columns[i]!.width) - width;
  const narrow = (i: number, floor: ColumnLayout) => {
    if (excess <= 0) return;
    const c = columns[i]!;
    if (isSpark(i)) {
      const days = Math.max(floor.days, Math.min(c.days, c.width - excess));
      if (days >= c.days) return;
      const before = c.width;
      c.days = days;
      c.width = sparkWidth(i, days);
      excess -= before - c.width;
    } else {
      const give = Math.min(excess, c.width - floor.width);
      if (give > 0) {
        c.width -= give;
        excess -= give;
      }
    }
  };
  const byImportance = (cols: number[]) => [...cols].sort((a, b) => priority(b) - priority(a) || b - a);
  for (const i of byImportance(visible.filter(isSpark))) narrow(i, minimum[i]!);
  for (const i of byImportance(visible.filter((i) => !isSpark(i) && !isKey(i)))) narrow(i, minimum[i]!);
  for (const i of byImportance(visible.filter(isKey))) narrow(i, minimum[i]!);
  // Still too wide (a very narrow terminal): names are cut further, down to their header.
  for (const i of byImportance(visible.filter(isKey))) narrow(i, { width: displayWidth(table.columns[i]!.header), days: 0 });
  // Last resort: columns go from the right until the rest fit; the first one is cut to the width.
  while (excess > 0 && visible.length > 1) {
    const last = visible[visible.length - 1]!;
    drop(last);
    excess -= columns[last]!.width + GAP;
  }
  if (excess > 0 && visible.length === 1) columns[visible[0]!]!.width = Math.max(1, width);
  return { visible, hidden, columns, spark };
}

function pad(text: string, width: number, align: 'left' | 'right' | undefined): string {
  const space = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'right' ? space + text : text + space;
}

function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  return `${fitColumns(text, width - 1).trimEnd()}…`;
}

/** Lines of at most `width` columns, broken at spaces; a word longer than a line (a path, a URL) is broken where it must. */
export function wrap(text: string, width: number): string[] {
  if (!Number.isFinite(width) || displayWidth(text) <= width) return [text];
  const room = Math.max(1, width);
  const lines: string[] = [];
  let line = '';
  let lineWidth = 0;
  // Widths are counted once per word and carried, so a long word costs its length, not its length squared.
  for (let word of text.split(' ')) {
    let wordWidth = displayWidth(word);
    if (line && lineWidth + 1 + wordWidth > room) {
      lines.push(line);
      line = '';
      lineWidth = 0;
    }
    while (!line && wordWidth > room) {
      // At least one character per line, even one wider than the room.
      const head = fitColumns(word, room) || firstCluster(word);
      lines.push(head);
      word = word.slice(head.length);
      wordWidth -= displayWidth(head);
    }
    lineWidth = line ? lineWidth + 1 + wordWidth : wordWidth;
    line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
