// What a report looks like, independent of where it is shown. A report or
// trends result becomes one Document; the terminal, Markdown and CSV
// renderers each draw it their own way, so the three never disagree about
// what a report contains.

import { printable } from './sanitize.js';

export type Tone = 'good' | 'warn' | 'bad' | 'dim' | 'strong';

export type Cell = string | { text: string; tone?: Tone | undefined } | { spark: readonly (number | null)[]; zeroBased?: boolean };

export interface Column {
  header: string;
  /** The column's name where its header leans on its neighbour ("vs prev"), e.g. in the list of hidden columns. */
  label?: string;
  align?: 'left' | 'right';
  /**
   * 0: always shown. Higher numbers are dropped first when the terminal is too
   * narrow (the renderer says which were hidden).
   */
  priority?: number;
  /** Text that may be cut with an ellipsis to fit. */
  flex?: boolean;
}

export interface Table {
  kind: 'table';
  title?: string;
  columns: Column[];
  rows: Cell[][];
  /** Shown under the table, e.g. "10 more in --format json". */
  note?: string;
}

export interface Facts {
  kind: 'facts';
  title?: string;
  items: [label: string, value: Cell][];
}

export interface Lines {
  kind: 'lines';
  title?: string;
  /** Each item is a paragraph; `detail` is shown indented under it. */
  items: { text: Cell; detail?: string }[];
  note?: string;
  /** Items as plain lines, without bullets (prune's and doctor's lists, which indent their own items). */
  plain?: boolean;
}

export type Block = Table | Facts | Lines;

export interface CsvTable {
  columns: string[];
  rows: (string | number | null)[][];
}

export interface Document {
  title: string;
  subtitle?: string;
  blocks: Block[];
  /** Lines for Markdown readers that a terminal user sees on stderr instead. */
  notes: string[];
  /** The one table `--format csv` prints: plain values, machine-readable. */
  csv: CsvTable;
}

export function cellText(cell: Cell): string {
  if (typeof cell === 'string') return cell;
  if ('text' in cell) return cell.text;
  return '';
}

export function toneOf(cell: Cell): Tone | undefined {
  return typeof cell === 'object' && 'text' in cell ? cell.tone : undefined;
}

/** The whole Document through `printable`, so no renderer can forget a field. */
export function printableDocument(doc: Document): Document {
  const cell = (c: Cell): Cell => (typeof c === 'string' ? printable(c) : 'text' in c ? { ...c, text: printable(c.text) } : c);
  const opt = (s: string | undefined) => (s === undefined ? undefined : printable(s));
  const blocks = doc.blocks.map((block): Block => {
    switch (block.kind) {
      case 'facts':
        return { ...block, title: opt(block.title), items: block.items.map(([label, value]) => [printable(label), cell(value)]) };
      case 'lines':
        return { ...block, title: opt(block.title), note: opt(block.note), items: block.items.map((i) => ({ text: cell(i.text), detail: opt(i.detail) })) };
      case 'table':
        return {
          ...block,
          title: opt(block.title),
          note: opt(block.note),
          columns: block.columns.map((c) => ({ ...c, header: printable(c.header) })),
          rows: block.rows.map((row) => row.map(cell)),
        };
    }
  });
  return { ...doc, title: printable(doc.title), subtitle: opt(doc.subtitle), blocks, notes: doc.notes.map((n) => printable(n)) };
}
