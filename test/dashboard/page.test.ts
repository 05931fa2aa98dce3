import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import * as z from 'zod/mini';
import { bundleScript } from '../../scripts/dashboard-assets.js';
import { DATA_ELEMENT_ID, dashboardHtml, type PageAssets } from '../../src/dashboard/page.js';
import { DashboardData } from '../../src/schema/dashboard.js';
import { at, makeRecord } from '../analytics/make-record.js';
import { sampleData } from './sample-data.js';
import { printableJson } from '../../src/render/sanitize.js';

// The HTML file: self-contained, no network, data embedded safely. What the
// page draws is checked in a real browser (test/e2e/dashboard.e2e.test.ts).

const CLIENT = join(__dirname, '..', '..', 'src', 'dashboard', 'client');
const NOW = at(2026, 11, 25, 18);
let assets: PageAssets;

beforeAll(async () => {
  assets = { script: await bundleScript(join(CLIENT, 'main.ts')), style: readFileSync(join(CLIENT, 'style.css'), 'utf8') };
});

const records = [
  makeRecord({ id: 'r1', agent: '</script><script>alert("agent")</script>', start: at(2026, 11, 24, 10), errors: [{ type: 'api_error', message: '<!-- \u2028 </script>' }], status: 'failed' }),
  makeRecord({ id: 'r2', agent: 'code-reviewer', start: at(2026, 11, 25, 9) }),
];

function embedded(html: string): unknown {
  const match = new RegExp(`<script type="application/json" id="${DATA_ELEMENT_ID}">([^<]*)</script>`).exec(html);
  if (!match) throw new Error('no data element');
  return JSON.parse(match[1]!);
}

describe('dashboardHtml', () => {
  test('embeds the data so that it reads back unchanged, whatever the agent names and messages hold', () => {
    const data = sampleData(records, '2026-11-19', '2026-11-25', NOW);
    const html = dashboardHtml(data, assets);
    // Unchanged but for what no page should print: the message's U+2028 reads as a space.
    expect(embedded(html)).toEqual(printableJson(data));
    expect(JSON.stringify(embedded(html))).toContain('</script><script>alert');
    // The page's own two script elements, and no third one smuggled in by the data.
    expect(html.match(/<script/gi)).toHaveLength(2);
    expect(z.safeParse(DashboardData, embedded(html)).success).toBe(true);
  });

  test('allows only its own script and stylesheet (by hash) and no network at all', () => {
    const html = dashboardHtml(sampleData(records, '2026-11-19', '2026-11-25', NOW), assets);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!.replaceAll('&#39;', "'");
    const hash = (text: string) => `sha256-${createHash('sha256').update(text).digest('base64')}`;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`script-src '${hash(assets.script)}'`);
    expect(csp).toContain(`style-src '${hash(assets.style)}'`);
    expect(html).toContain(`<script>${assets.script}</script>`);
    expect(html).toContain(`<style>${assets.style}</style>`);
  });

  test('escapes the title', () => {
    const html = dashboardHtml(sampleData(records, '2026-11-19', '2026-11-25', NOW, 'a<b>&"c'), assets);
    expect(html).toContain('<title>a&lt;b&gt;&amp;&quot;c · subagents 2026-11-19 to 2026-11-25 · agent-track</title>');
  });

  test('refuses assets that would end their element early', () => {
    const data = sampleData(records, '2026-11-19', '2026-11-25', NOW);
    expect(() => dashboardHtml(data, { script: 'x = "</script>"', style: '' })).toThrow();
    expect(() => dashboardHtml(data, { script: '', style: 'a::after { content: "</style>" }' })).toThrow();
  });
});

describe('the page script and stylesheet', () => {
  test('load nothing from anywhere: no URLs, fetches, imports or web fonts', () => {
    const urls = assets.script.match(/https?:\/\/[^\s"'`]+/g) ?? [];
    expect(urls.every((url) => url === 'http://www.w3.org/2000/svg')).toBe(true);
    expect(assets.script).not.toMatch(/\bfetch\(|XMLHttpRequest|import\(|WebSocket|sendBeacon/);
    expect(assets.style).not.toMatch(/url\(|@import|@font-face|https?:/);
  });

  test('stay small and readable (not minified)', () => {
    expect(assets.script.length).toBeLessThan(80_000);
    expect(assets.script.split('\n').length).toBeGreaterThan(500);
  });
});
