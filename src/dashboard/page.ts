import { createHash } from 'node:crypto';
import type { DashboardData } from '../schema/dashboard.js';
import { escapeHtml, jsonForScript } from './embed.js';
import { printableJson } from '../render/sanitize.js';

// The dashboard as one HTML file: stylesheet, data and script inline, so it
// opens from file:// anywhere, offline. The Content-Security-Policy allows
// exactly this page's own script and stylesheet (by hash) and no network at
// all: nothing in the data can make the page load or run anything else.

export interface PageAssets {
  script: string;
  style: string;
}

export const DATA_ELEMENT_ID = 'agent-track-data';

export function dashboardHtml(data: DashboardData, assets: PageAssets): string {
  // Inline code ends at the first </script> or </style>, whatever it means; the built assets must not contain one.
  if (/<\/script|<!--/i.test(assets.script) || /<\/style/i.test(assets.style)) throw new Error('the dashboard script or stylesheet cannot be inlined as it is');
  const range = data.report.range;
  const title = `${data.project} · subagents ${range.from} to ${range.to} · agent-track`;
  const csp = [
    "default-src 'none'",
    `script-src '${hash(assets.script)}'`,
    `style-src '${hash(assets.style)}'`,
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="generator" content="agent-track ${escapeHtml(data.version)}">
<title>${escapeHtml(title)}</title>
<style>${assets.style}</style>
</head>
<body>
<main id="app">
<noscript><p>This dashboard draws its charts with JavaScript, which is turned off. Its data is in this file, in the element with id "${DATA_ELEMENT_ID}", and <code>agent-track report</code> prints the same figures.</p></noscript>
</main>
<script type="application/json" id="${DATA_ELEMENT_ID}">${jsonForScript(printableJson(data))}</script>
<script>${assets.script}</script>
</body>
</html>
`;
}

function hash(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}
