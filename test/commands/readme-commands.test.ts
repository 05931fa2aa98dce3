import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { tempLogs } from '../store/store-helpers.js';
import { REPO, runCli } from '../support/cli.js';

// "Keep the README true": every `agent-track <command> --flag` its shell examples
// show is a command and a flag of the built CLI, as `agent-track help <command>`
// lists them. A renamed flag or a dropped command fails here, not in a user's shell.

const README = readFileSync(join(REPO, 'README.md'), 'utf8');
const GLOBAL_FLAGS = ['--logs-dir', '--project', '--config', '--help', '--version'];
const COMMANDS = new Set(['hook', 'statusline', 'demo', 'install', 'uninstall', 'doctor', 'import', 'report', 'trends', 'status', 'runs', 'show', 'check', 'dashboard', 'prices', 'prune', 'export']);

/** Each `agent-track ...` invocation in the README's sh/bash blocks: its command and the flags on its line, comment included. */
function readmeInvocations(): { line: string; command: string; flags: string[] }[] {
  const blocks = [...README.matchAll(/```(?:sh|bash)\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const found: { line: string; command: string; flags: string[] }[] = [];
  for (const line of blocks.flatMap((b) => b.split('\n'))) {
    // `agent-track` as a command (not the clone's folder, `~/agent-track`).
    const at = line.search(/(?:^|[\s(;])agent-track\s+[a-z-]/);
    if (at < 0) continue;
    const words = line.slice(at).trim().split(/\s+/).slice(1);
    // Global flags may come before the command: `agent-track --project shop-api report`.
    let i = 0;
    while (GLOBAL_FLAGS.includes(words[i] ?? '')) i += 2;
    const command = words[i];
    if (!command || command.startsWith('-')) continue;
    // Flags on the line, those its comment names included, but not another command's
    // (`# per-day series per agent (also: report --trends)`).
    const text = line.slice(at).replace(/\b([a-z]+)((?:\s+--[a-z][a-z0-9-]*)+)/g, (all, word: string) => (word !== command && COMMANDS.has(word) ? word : all));
    const flags = [...new Set([...text.matchAll(/(?<![\w-])--[a-z][a-z0-9-]*/g)].map((m) => m[0]))];
    found.push({ line: line.trim(), command, flags: flags.filter((f) => !GLOBAL_FLAGS.includes(f)) });
  }
  return found;
}

const invocations = readmeInvocations();
const helpOf = new Map<string, string>();
function help(command: string): string {
  if (!helpOf.has(command)) {
    const run = runCli(['help', command]);
    expect(run.status, `agent-track help ${command}: ${run.stderr}`).toBe(0);
    helpOf.set(command, run.stdout);
  }
  return helpOf.get(command)!;
}

describe('the README shows only commands and flags the CLI has', () => {
  test('it finds the examples', () => {
    expect(invocations.length).toBeGreaterThan(40);
    expect(new Set(invocations.map((i) => i.command))).toEqual(
      new Set(['demo', 'install', 'doctor', 'import', 'report', 'trends', 'dashboard', 'status', 'runs', 'show', 'prices', 'export', 'prune']),
    );
  });

  test.each(invocations.map((i) => [i.line, i] as const))('%s', (_, { command, flags }) => {
    const text = help(command);
    for (const flag of flags) expect(text, `${flag} in agent-track help ${command}`).toMatch(new RegExp(`(^|[\\s,])${flag}([\\s,=\\[<]|$)`, 'm'));
  });

  test('every command the README names in backticks is one the CLI lists', () => {
    const listed = runCli(['--help']).stdout;
    const named = new Set([...README.matchAll(/`agent-track ([a-z]+)\b/g)].map((m) => m[1]!));
    expect(named.size).toBeGreaterThan(10);
    for (const command of named) expect(listed, `agent-track ${command}`).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });
});

describe('help for the commands Claude Code runs', () => {
  test.each([['hook'], ['hook', '--alerts'], ['statusline']])('agent-track %s --help describes it, and neither handles a payload nor writes anything', (...command) => {
    const logs = tempLogs();
    const run = runCli([...command, '--help'], { env: { AGENT_TRACK_LOGS_DIR: logs } });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: agent-track ${command[0]} \\[options\\]`));
    // The hook would have logged the empty payload as an error; the statusline would have printed its line.
    expect(readdirSync(logs)).toEqual([]);
  });
});
