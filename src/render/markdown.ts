import { cellText, printableDocument, type Block, type Cell, type Document } from './document.js';
import { sparkline } from './sparkline.js';

// A Document as GitHub-flavoured Markdown, to paste into a pull request:
// every column and every day of a sparkline, no colour, pipes escaped.

export function renderMarkdown(document: Document): string {
  const doc = printableDocument(document);
  const out: string[] = [`## ${doc.title}`];
  if (doc.subtitle) out.push('', `_${escape(doc.subtitle)}_`);
  for (const block of doc.blocks) out.push('', ...renderBlock(block));
  if (doc.notes.length) out.push('', '**Notes**', '', ...doc.notes.map((n) => `- ${escape(n)}`));
  return `${out.join('\n')}\n`;
}

function renderBlock(block: Block): string[] {
  const title = block.title ? [`### ${escape(block.title)}`, ''] : [];
  switch (block.kind) {
    case 'facts':
      return [...title, ...block.items.map(([label, value]) => `- **${escape(label)}:** ${text(value)}`)];
    case 'lines':
      return [
        ...title,
        ...block.items.map((item) => `- ${text(item.text)}${item.detail ? `<br>→ ${escape(item.detail)}` : ''}`),
        ...(block.note ? ['', `_${escape(block.note)}_`] : []),
      ];
    case 'table': {
      const header = `| ${block.columns.map((c) => escape(c.header)).join(' | ')} |`;
      const rule = `| ${block.columns.map((c) => (c.align === 'right' ? '---:' : '---')).join(' | ')} |`;
      const rows = block.rows.map((row) => `| ${block.columns.map((_, i) => text(row[i] ?? '')).join(' | ')} |`);
      return [...title, header, rule, ...rows, ...(block.note ? ['', `_${escape(block.note)}_`] : [])];
    }
  }
}

function text(cell: Cell): string {
  if (typeof cell === 'object' && 'spark' in cell) return sparkline(cell.spark, cell.zeroBased);
  return escape(cellText(cell));
}

function escape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ').replace(/([*`<>])/g, '\\$1');
}
