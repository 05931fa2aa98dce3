import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { formatCount, formatPercent, formatTokens, formatUsd } from '../../src/analytics/format.js';
import { formatElapsed } from '../../src/time/duration.js';
import { DATA_ELEMENT_ID } from '../../src/dashboard/page.js';
import type { DashboardData, RecentExecution } from '../../src/schema/dashboard.js';
import type { RunDetail } from '../../src/schema/runs.js';
import { unpackRecent } from '../../src/dashboard/recent-pack.js';
import type { ProjectsTrends } from '../../src/schema/projects-trends.js';
import { addSession } from '../support/fixtures.js';
import type { Report, Trends } from '../../src/schema/report.js';
import { BIN, REPO } from '../support/cli.js';
import { CHROMIUM_ARGS, ensureChromium } from './support/chromium.js';

// The dashboard in a real browser: Debian's headless Chromium opens the file
// `agent-track dashboard` wrote for a generated month (agent-track demo) and
// the test checks what a person would see against what `agent-track report`
// and `trends` print for the same days. Any console error, failed request or
// attempt to reach the network fails it. Screenshots (light and dark, laptop
// and phone) go to test-artifacts/dashboard/.

const ARTIFACTS = join(REPO, 'test-artifacts', 'dashboard');
const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 900 } };
const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

let root: string;
let browser: Browser;
let page: string;
let emptyPage: string;
let data: DashboardData;
/** The recent runs unpacked as the page's script unpacks them: table rows and details by id. */
let executions: RecentExecution[];
let details: Record<string, RunDetail>;
let report: Report;
let trends: Trends;
/** What went wrong in the pages of the current test. */
let problems: string[] = [];

function cli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): string {
  const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...options.env }, cwd: options.cwd, maxBuffer: 64 << 20 });
  if (run.status !== 0) throw new Error(`agent-track ${args.join(' ')} exited with ${run.status}: ${run.stderr}`);
  return run.stdout;
}

beforeAll(async () => {
  const executablePath = ensureChromium();
  root = mkdtempSync(join(tmpdir(), 'agent-track-dashboard-e2e-'));
  mkdirSync(ARTIFACTS, { recursive: true });
  cli(['demo', '--dir', join(root, 'demo'), '--days', '30']);
  const logs = join(root, 'demo', 'project', '.claude', 'execution-logs');
  page = join(root, 'dashboard.html');
  cli(['--logs-dir', logs, 'dashboard', '--out', page]);
  const html = readFileSync(page, 'utf8');
  data = JSON.parse(new RegExp(`<script type="application/json" id="${DATA_ELEMENT_ID}">([^<]*)</script>`).exec(html)![1]!) as DashboardData;
  const runs = unpackRecent(data.recent);
  executions = runs.map((r) => r.row);
  details = Object.fromEntries(runs.map((r) => [r.row.id, r.detail]));
  const { from, to } = data.report.range;
  report = JSON.parse(cli(['--logs-dir', logs, 'report', '--since', from, '--until', to, '--json'])) as Report;
  trends = JSON.parse(cli(['--logs-dir', logs, 'trends', '--since', from, '--until', to, '--json'])) as Trends;

  const empty = join(root, 'empty', '.claude', 'execution-logs');
  mkdirSync(empty, { recursive: true });
  emptyPage = join(root, 'empty.html');
  cli(['--logs-dir', empty, 'dashboard', '--out', emptyPage]);

  browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}, 900_000);

afterAll(async () => {
  await browser?.close();
  if (root && !process.env.E2E_KEEP) rmSync(root, { recursive: true, force: true });
});

afterEach(() => {
  const found = problems;
  problems = [];
  expect(found, 'console errors, failed requests or network access').toEqual([]);
});

async function open(file: string, options: BrowserContextOptions = DESKTOP, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const context = await browser.newContext({ ...options, colorScheme });
  const tab = await context.newPage();
  tab.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  tab.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  tab.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`));
  tab.on('request', (request) => {
    if (!request.url().startsWith('file:')) problems.push(`network request: ${request.url()}`);
  });
  await tab.goto(pathToFileURL(file).href);
  await tab.waitForLoadState('load');
  return tab;
}

async function close(tab: Page): Promise<void> {
  await tab.context().close();
}

describe('the dashboard in Chromium', () => {
  test('draws every chart, each with a non-zero size', async () => {
    const tab = await open(page);
    for (const id of ['daily', 'durations', 'tokens', 'cost', 'tools']) {
      const chart = tab.locator(`#chart-${id} svg.chart`);
      await chart.waitFor();
      const box = await chart.boundingBox();
      expect(box && box.width > 100 && box.height > 50, `#chart-${id} has a size`).toBe(true);
      expect(await tab.locator(`#chart-${id} svg :is(rect:not(.hit), circle, line.range)`).count(), `#chart-${id} has shapes`).toBeGreaterThan(0);
      expect(await chart.getAttribute('aria-label'), `#chart-${id} is labelled`).toBeTruthy();
    }
    expect(await tab.locator('#workflows li').count()).toBe(Math.min(10, report.workflowPatterns.length));
    expect(await tab.locator('#health li').count()).toBe(Object.keys(data.status.agentHealth).length);
    expect(await tab.locator('#recommendations li').count()).toBe(Math.min(12, report.improvementAreas.length));
    expect(await tab.locator('#anomalies li').count()).toBe(Math.min(12, trends.anomalies.length));
    await close(tab);
  });

  test('shows the headline figures of `agent-track report --json`', async () => {
    const tab = await open(page);
    const s = report.summary;
    const expected: [string, number | null, string][] = [
      ['totalExecutions', s.totalExecutions, formatCount(s.totalExecutions)],
      ['successRate', s.successRate, formatPercent(s.successRate)],
      ['partial', s.partial, formatCount(s.partial)],
      ['failed', s.failed, formatCount(s.failed)],
      ['p50Duration', s.p50Duration, formatElapsed(s.p50Duration)],
      ['p95Duration', s.p95Duration, formatElapsed(s.p95Duration)],
      ['totalTokensUsed', s.totalTokensUsed, formatTokens(s.totalTokensUsed)],
      ['costUsd', s.cost.usd, formatUsd(s.cost.usd)],
    ];
    for (const [key, value, text] of expected) {
      const kpi = tab.locator(`[data-kpi="${key}"]`);
      expect(await kpi.getAttribute('data-value'), key).toBe(String(value));
      expect(await kpi.locator('.kpi-value').textContent(), key).toBe(text);
    }
    await close(tab);
  });

  test('per-agent figures, durations and tools equal the report', async () => {
    const tab = await open(page);
    for (const agent of report.agentMetrics) {
      const row = tab.locator(`#agents-table tr[data-agent="${agent.agent}"]`);
      const value = (field: string) => row.locator(`[data-field="${field}"]`).getAttribute('data-value');
      expect(await value('executions')).toBe(String(agent.executions));
      expect(await value('failed')).toBe(String(agent.failed));
      expect(await value('successRate')).toBe(String(agent.successRate));
      expect(await row.locator('[data-field="p95Duration"]').textContent()).toBe(formatElapsed(agent.p95Duration));
    }
    await tab.locator('#chart-durations svg').waitFor();
    const ranges = await tab.locator('#chart-durations g.row').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-agent'), Number(r.getAttribute('data-p50')), Number(r.getAttribute('data-p95'))]));
    expect(ranges).toEqual(report.agentMetrics.slice(0, ranges.length).map((a) => [a.agent, a.p50Duration, a.p95Duration]));
    const tools = await tab.locator('#chart-tools g.row').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-tool'), Number(r.getAttribute('data-calls')), Number(r.getAttribute('data-failures'))]));
    expect(tools).toEqual(report.toolUsage.tools.slice(0, 12).map((t) => [t.tool, t.calls, t.failures]));
    const workflows = await tab.locator('#workflows li').evaluateAll((items) => items.map((i) => [i.getAttribute('data-name'), Number(i.getAttribute('data-frequency'))]));
    expect(workflows).toEqual(report.workflowPatterns.slice(0, 10).map((w) => [w.name, w.frequency]));
    await close(tab);
  });

  test('the days add up to the report, each day is its daily report, and the tokens per day are the trends series', async () => {
    const tab = await open(page);
    await tab.locator('#chart-daily svg').waitFor();
    const segments = await tab.locator('#chart-daily rect[data-day]').evaluateAll((rects) =>
      rects.map((r) => ({ day: r.getAttribute('data-day')!, status: r.getAttribute('data-status')!, value: Number(r.getAttribute('data-value')) })),
    );
    const total = (status: string) => segments.filter((s) => s.status === status).reduce((n, s) => n + s.value, 0);
    expect([total('succeeded'), total('partial'), total('failed')]).toEqual([report.summary.succeeded, report.summary.partial, report.summary.failed]);
    const busiest = data.daily.reduce((a, b) => (b.summary.totalExecutions > a.summary.totalExecutions ? b : a)).day;
    const daily = JSON.parse(cli(['--logs-dir', join(root, 'demo', 'project', '.claude', 'execution-logs'), 'report', '--daily', busiest, '--json'])) as Report;
    const of = (status: string) => segments.find((s) => s.day === busiest && s.status === status)!.value;
    expect([of('succeeded'), of('partial'), of('failed')]).toEqual([daily.summary.succeeded, daily.summary.partial, daily.summary.failed]);

    const tokens = await tab.locator('#chart-tokens rect[data-day]').evaluateAll((rects) => rects.map((r) => ({ day: r.getAttribute('data-day')!, value: Number(r.getAttribute('data-value')) })));
    const perDay = trends.days.map((day) => tokens.filter((t) => t.day === day).reduce((n, t) => n + t.value, 0));
    expect(perDay).toEqual(trends.overall.series.tokensUsed);
    await close(tab);
  });

  test('sorts and filters the recent executions', async () => {
    const tab = await open(page);
    const rows = tab.locator('#recent-table tbody tr[data-id]');
    const all = executions;
    expect(await tab.locator('#recent-count').textContent()).toBe(`${formatCount(all.length)} of ${formatCount(all.length)}`);

    const header = tab.locator('#recent-table th:has(button[data-sort="duration"])');
    await header.locator('button').click();
    expect(await header.getAttribute('aria-sort')).toBe('descending');
    let durations = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-duration') || -1)));
    expect(durations[0]).toBe(Math.max(...all.map((e) => e.duration ?? -1)));
    expect(durations).toEqual([...durations].sort((a, b) => b - a));
    await header.locator('button').click();
    expect(await header.getAttribute('aria-sort')).toBe('ascending');
    durations = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-duration') || -1)));
    expect(durations).toEqual([...durations].sort((a, b) => a - b));

    await tab.selectOption('#recent-status', 'failed');
    const failed = all.filter((e) => e.status === 'failed');
    expect(await tab.locator('#recent-count').textContent()).toBe(`${formatCount(failed.length)} of ${formatCount(all.length)}`);
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-status')))).toEqual(failed.slice(0, 50).map(() => 'failed'));

    await tab.selectOption('#recent-status', '');
    const agent = all[all.length - 1]!.agent;
    await tab.fill('#recent-filter', agent);
    // The box filters on the agent or the error (an unknown type's error lists the agents there are).
    const needle = agent.toLowerCase();
    const matching = all.filter((e) => e.agent.toLowerCase().includes(needle) || e.errorTypes.some((t) => t.includes(needle)) || (e.firstError ?? '').toLowerCase().includes(needle));
    expect(matching.some((e) => e.agent === agent)).toBe(true);
    expect(await tab.locator('#recent-count').textContent()).toBe(`${formatCount(matching.length)} of ${formatCount(all.length)}`);
    const shown = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id')!));
    expect(shown.length).toBe(Math.min(50, matching.length));
    const matchingIds = new Set(matching.map((e) => e.id));
    expect(shown.every((id) => matchingIds.has(id))).toBe(true);

    await tab.fill('#recent-filter', 'no agent is called this');
    expect(await rows.count()).toBe(0);
    expect(await tab.locator('#recent-table td.empty').textContent()).toContain('No execution matches');
    await close(tab);
  });

  test('a click on a recent execution opens its detail, embedded, with no request', async () => {
    const tab = await open(page);
    // A run with an error and a parent or children, when the month has one: the richest detail.
    const pick =
      executions.find((e) => e.errors > 0 && (details[e.id]?.chain.parent || details[e.id]?.chain.children.length)) ??
      executions.find((e) => e.errors > 0) ??
      executions[0]!;
    const detail = details[pick.id]!;
    await tab.locator(`#recent-table button[data-detail="${pick.id}"]`).click();
    const dialog = tab.locator('dialog#run-detail');
    await dialog.waitFor({ state: 'visible' });
    const text = (await dialog.textContent())!;
    expect(text).toContain(pick.id);
    expect(text).toContain(detail.description ?? '(none)');
    if (detail.prompt) expect(await dialog.locator('pre.prompt').textContent()).toBe(detail.prompt);
    if (detail.promptLength) expect(await dialog.locator('p.prompt-cut').textContent()).toContain(`${formatCount(detail.promptLength)} characters`);
    expect(text).toContain(detail.model ?? 'unknown');
    for (const t of detail.toolCalls) expect(text).toContain(`${t.tool} ${t.calls}`);
    for (const f of detail.modifiedFiles) expect(text).toContain(`modified ${f}`);
    expect(text).toContain(detail.transcriptPath ?? 'Not found when the page was made');
    expect(text).toContain('this run:');
    for (const e of detail.errors) expect(text).toContain(e.message);
    expect(text).toContain(detail.costUsd === null ? 'not priced' : formatUsd(detail.costUsd));
    expect(text).toContain(`agent-track show ${pick.id}`);
    await dialog.locator('button.close').click();
    await dialog.waitFor({ state: 'hidden' });
    await close(tab);
  });

  test("a click shows the run's tool calls from the embedded timeline, a failed call marked", async () => {
    const tab = await open(page);
    // A run with a failed tool call, when the month has one: both kinds of row are checked.
    const pick =
      executions.find((e) => details[e.id]?.timeline.calls.some((c) => !c.ok)) ??
      executions.find((e) => details[e.id]?.timeline.calls.length)!;
    const calls = details[pick.id]!.timeline.calls;
    expect(calls.length).toBeGreaterThan(0);
    await tab.locator(`#recent-table button[data-detail="${pick.id}"]`).click();
    const rows = tab.locator('dialog#run-detail table.tool-timeline tbody tr');
    await rows.first().waitFor({ state: 'visible' });
    expect(await rows.count()).toBe(calls.length);
    const cells = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 4).map((td) => td.textContent)));
    expect(cells).toEqual(calls.map((c) => [c.tool, `+${formatElapsed(c.start)}`, c.duration === null ? 'no result' : formatElapsed(c.duration), c.ok ? 'ok' : 'failed']));
    // Each call has its bar on the run's time axis.
    expect(await tab.locator('dialog#run-detail svg.tl-bar rect').count()).toBe(calls.length);
    expect(await tab.locator('dialog#run-detail svg.tl-bar rect.failed').count()).toBe(calls.filter((c) => !c.ok).length);
    await tab.screenshot({ path: join(ARTIFACTS, 'detail-timeline.png') });
    await close(tab);
  });

  test('fits a phone: nothing scrolls sideways but the tables', async () => {
    const tab = await open(page, PHONE);
    await tab.locator('#chart-daily svg').waitFor();
    // Expressions as strings: they run in the page, where the DOM is (this file is typed for Node).
    const widths = (await tab.evaluate('({ page: document.documentElement.scrollWidth, viewport: innerWidth })')) as { page: number; viewport: number };
    expect(widths.page).toBeLessThanOrEqual(widths.viewport);
    for (const id of ['daily', 'durations', 'tokens', 'cost', 'tools']) {
      const box = (await tab.locator(`#chart-${id} svg`).boundingBox())!;
      expect(box.x + box.width, `#chart-${id} fits`).toBeLessThanOrEqual(widths.viewport);
    }
    await close(tab);
  });

  test('without records the page says how to start tracking', async () => {
    const tab = await open(emptyPage);
    const text = await tab.locator('#empty-state').textContent();
    expect(text).toContain('No subagent executions recorded yet');
    expect(text).toContain('npx agent-track install');
    await tab.screenshot({ path: join(ARTIFACTS, 'empty-light-desktop.png'), fullPage: true });
    await close(tab);
  });

  test('--all-projects: a Projects card, its figures those of `trends --all-projects`, filtered by project', async () => {
    // Three projects that ran Claude Code (real captures), imported; one deleted since.
    const machine = join(root, 'machine');
    for (const [name, scenario] of [['api', 'single'], ['web', 'fanout'], ['gone', 'nested-background']] as const) {
      mkdirSync(join(machine, name), { recursive: true });
      addSession(join(machine, 'claude', 'projects'), join(machine, name), scenario);
    }
    const env = { CLAUDE_CONFIG_DIR: join(machine, 'claude'), HOME: machine, XDG_CONFIG_HOME: join(machine, 'config'), AGENT_TRACK_NOW: String(Date.parse('2026-12-10T12:00:00Z')) };
    cli(['import', '--all-projects'], { env, cwd: machine });
    rmSync(join(machine, 'gone'), { recursive: true });
    const out = join(root, 'all-projects.html');
    cli(['dashboard', '--all-projects', '--out', out], { env, cwd: join(machine, 'web') });
    const all = JSON.parse(cli(['trends', '--all-projects', '--json'], { env, cwd: machine })) as ProjectsTrends;
    expect(all.projects).toHaveLength(2);

    const tab = await open(out);
    const rows = tab.locator('#projects-table tbody tr');
    await rows.first().waitFor();
    const shown = await rows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-project'), Number(tr.querySelector('[data-field="executions"]')!.getAttribute('data-value'))]));
    expect(shown).toEqual(all.projects.map((p) => [p.project, p.current.executions]));
    await tab.locator('#chart-projects svg').waitFor();
    const segments = () => tab.locator('#chart-projects svg [data-project]').evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('data-project')))].sort());
    expect(await segments()).toEqual(all.projects.map((p) => p.project).sort());

    const one = all.projects[1]!.project;
    await tab.selectOption('#project-filter', one);
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-project')))).toEqual([one]);
    expect(await tab.locator('#project-count').textContent()).toBe('1 of 2');
    expect(await segments()).toEqual([one]);
    await tab.locator('#projects-card').screenshot({ path: join(ARTIFACTS, 'projects-card.png') });
    await close(tab);
  });

  test('screenshots: light and dark, laptop and phone', async () => {
    for (const [name, options] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      for (const scheme of ['light', 'dark'] as const) {
        const tab = await open(page, options, scheme);
        await tab.locator('#chart-daily svg').waitFor();
        // Dark really is dark, light really is light.
        const background = (await tab.evaluate('getComputedStyle(document.body).backgroundColor')) as string;
        const [r, g, b] = background.match(/\d+/g)!.map(Number);
        expect((r! + g! + b!) / 3 > 128, `${scheme} background ${background}`).toBe(scheme === 'light');
        await tab.screenshot({ path: join(ARTIFACTS, `${scheme}-${name}.png`), fullPage: true });
        await close(tab);
      }
    }
  });
});
