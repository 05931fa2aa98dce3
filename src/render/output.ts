import { renderCsv } from './csv.js';
import type { Document } from './document.js';
import { renderMarkdown } from './markdown.js';
import { renderTerminal, type TerminalOptions } from './terminal.js';

export const FORMATS = ['table', 'json', 'markdown', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

/** A result in the chosen format: JSON is the value itself, the others draw its Document. */
export function render(value: unknown, document: () => Document, format: Format, terminal: TerminalOptions): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(value, null, 2)}\n`;
    case 'csv':
      return renderCsv(document().csv);
    case 'markdown':
      return renderMarkdown(document());
    case 'table':
      return renderTerminal(document(), terminal);
  }
}
