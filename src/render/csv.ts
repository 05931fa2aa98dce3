import type { CsvTable } from './document.js';
import { printable } from './sanitize.js';

/** RFC 4180: comma-separated, CRLF line ends, fields quoted when they need it. Empty for null. */
export function renderCsv(table: CsvTable): string {
  const line = (fields: readonly (string | number | null)[]) => fields.map(field).join(',');
  return [line(table.columns), ...table.rows.map(line)].map((l) => `${l}\r\n`).join('');
}

function field(value: string | number | null): string {
  if (value === null) return '';
  // A cell is one line of printable text: a spreadsheet or `cat` shows it as it is.
  const text = typeof value === 'string' ? printable(value) : String(value);
  // A leading = + - @ would run as a formula in a spreadsheet; a quote and a
  // leading apostrophe keep it text. Negative numbers are real numbers, not text.
  const guarded = typeof value === 'string' && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(guarded) || guarded !== text ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}
