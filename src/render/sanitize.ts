// The one sanitiser for every text that reaches a terminal, a CSV file or the
// dashboard page. Records carry agent names, error messages and prompts
// verbatim: an escape sequence in one would clear the screen, retitle the
// window or break `status --watch`, and a bidirectional override shows
// "invoice\u202Etxt.exe" as "invoiceexe.txt". Whole ANSI sequences go (not
// only their ESC, which would leave "[2J" behind), then C0 and C1 controls,
// then bidi controls. Each pattern is a single linear pass.

// CSI (ESC [ params intermediates final) and OSC (ESC ] ... BEL or ST) sequences, and any other ESC + one character.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]?|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u009b[0-?]*[ -/]*[@-~]?|\u001b[^[\]]?/g;
// eslint-disable-next-line no-control-regex
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
// eslint-disable-next-line no-control-regex
const BREAKS_BUT_NEWLINE = /[\t\v\f\r\u0085\u2028\u2029]/g;
// C0 and C1 controls but \n (already a space unless lines are kept); bidi embeddings, overrides and isolates; LRM, RLM and the Arabic letter mark.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;

export interface PrintableOptions {
  /** Keep line breaks (a multi-line message); otherwise they become spaces (a table cell is one line). */
  lines?: boolean;
}

/** Text safe to print or show: no escape sequences, controls or bidi overrides. */
export function printable(text: string, options: PrintableOptions = {}): string {
  const flat = text.replace(ANSI, '').replace(options.lines ? BREAKS_BUT_NEWLINE : BREAKS, ' ');
  return flat.replace(INVISIBLE, '');
}

/**
 * A JSON value with every string and object key made printable, for the
 * dashboard page. Objects are rebuilt without a prototype, so a key named
 * __proto__ stays a key.
 */
export function printableJson(value: unknown): unknown {
  if (typeof value === 'string') return printable(value);
  if (Array.isArray(value)) return value.map(printableJson);
  if (value !== null && typeof value === 'object') {
    const out = Object.create(null) as Record<string, unknown>;
    for (const [key, v] of Object.entries(value)) out[printable(key)] = printableJson(v);
    return out;
  }
  return value;
}
