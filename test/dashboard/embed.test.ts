import { describe, expect, test } from 'vitest';
import { escapeHtml, jsonForScript } from '../../src/dashboard/embed.js';

// The data goes into the page inside <script type="application/json">. What
// the HTML parser would treat as markup there must not survive escaping.

const hostile = {
  agent: '</script><script>alert(1)</script>',
  upper: '</SCRIPT >',
  comment: '<!-- <script>',
  cdata: ']]> & &amp; <b>',
  separators: 'line\u2028paragraph\u2029end',
  nested: [{ message: 'API Error: <html>502</html>' }],
  unicode: 'naïve 日本 🚀',
};

describe('jsonForScript', () => {
  const text = jsonForScript(hostile);

  test('reads back as exactly the same value', () => {
    expect(JSON.parse(text)).toEqual(hostile);
  });

  test('holds nothing that could end the script element or open a comment', () => {
    expect(text).not.toMatch(/<\/script/i);
    expect(text).not.toContain('<!--');
    expect(text).not.toMatch(/[<>&]/);
  });

  test('escapes U+2028 and U+2029, which old JavaScript parsers take for line ends', () => {
    expect(text).not.toMatch(/[\u2028\u2029]/);
    expect(text).toContain('\\u2028');
    expect(text).toContain('\\u2029');
  });

  test('leaves other text as it is', () => {
    expect(text).toContain('naïve 日本 🚀');
  });
});

test('escapeHtml escapes text for content and quoted attributes', () => {
  expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
});
