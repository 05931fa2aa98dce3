// Data and text placed inside the HTML page. JSON goes in a
// <script type="application/json"> element, where the HTML parser ends the
// element at the first "</script" and treats "<!--" specially, whatever the
// JSON means. Escaping every <, > and & as \u003c, \u003e, \u0026 makes
// those sequences impossible while JSON.parse reads back the same value
// (they can only occur inside strings). U+2028 and U+2029 are escaped too:
// valid in JSON, but line terminators to a JavaScript parser before ES2019.

import { printable } from '../render/sanitize.js';

const UNSAFE_IN_SCRIPT = /[<>&\u2028\u2029]/g;

export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE_IN_SCRIPT, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return printable(text).replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);
}
