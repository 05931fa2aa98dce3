/**
 * Moves the "current" Claude Code pin to a new release and re-captures its fixtures:
 *
 *   npm run bump:claude-code              # the latest release on the registry
 *   npm run bump:claude-code -- 2.1.340   # a given one
 *
 * 1. `npm install --save-dev --save-exact claude-code-current@npm:@anthropic-ai/claude-code@<version>`
 *    (the alias the end-to-end suite runs as the current release; the oldest supported
 *    pin, @anthropic-ai/claude-code, stays).
 * 2. Captures every scenario on it into test/fixtures/claude-code-<version>/
 *    (scripts/capture-claude-code.ts).
 * 3. Prints the diff of each scenario's shape.txt against the previous pin's: which hook
 *    events, payload keys, meta keys and transcript line types changed.
 * Then run `npm test`, read the diff, and update the README's supported range.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { claudeReleases, CURRENT_ALIAS, REPO_ROOT } from '../test/e2e/support/claude-session.js';

function run(command: string, args: string[], options: { capture?: boolean } = {}): string {
  const result = spawnSync(command, args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: options.capture ? ['ignore', 'pipe', 'inherit'] : 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
  return result.stdout ?? '';
}

function main(): void {
  const asked = process.argv[2];
  if (asked !== undefined && !/^\d+\.\d+\.\d+$/.test(asked)) throw new Error(`"${asked}" is not a version like 2.1.340`);
  const version = asked ?? run('npm', ['view', '@anthropic-ai/claude-code', 'version'], { capture: true }).trim();
  const previous = claudeReleases().find((r) => r.role === 'current')!.version;
  console.log(`Claude Code current pin: ${previous} -> ${version}`);
  if (version !== previous) {
    run('npm', ['install', '--save-dev', '--save-exact', '--no-audit', '--no-fund', `${CURRENT_ALIAS}@npm:@anthropic-ai/claude-code@${version}`]);
  }
  // A fresh process, so that the capture reads the new pin from package.json.
  run('npx', ['tsx', path.join('scripts', 'capture-claude-code.ts'), '--release', 'current']);

  const fixtures = path.join(REPO_ROOT, 'test', 'fixtures');
  const before = path.join(fixtures, `claude-code-${previous}`);
  const after = path.join(fixtures, `claude-code-${version}`);
  if (version === previous) {
    console.log(`\nRe-captured ${version}: \`git diff --stat test/fixtures/claude-code-${version}\` shows what moved.`);
    return;
  }
  console.log(`\nWhat changed from ${previous} to ${version} (shape.txt of each scenario):`);
  for (const scenario of fs.readdirSync(after).filter((d) => fs.existsSync(path.join(after, d, 'shape.txt')))) {
    const old = path.join(before, scenario, 'shape.txt');
    if (!fs.existsSync(old)) {
      console.log(`\n${scenario}: new (no capture of it on ${previous})`);
      continue;
    }
    const diff = spawnSync('git', ['diff', '--no-index', '--no-color', old, path.join(after, scenario, 'shape.txt')], { encoding: 'utf8' });
    console.log(`\n${scenario}: ${diff.stdout.trim() ? `\n${diff.stdout.trim()}` : 'no change'}`);
  }
  console.log(`\nNext: npm test; then set the supported range in README.md ("Supported Claude Code releases") to 2.1.197 – ${version}.`);
}

try {
  main();
} catch (error) {
  console.error(`bump-claude-code: ${(error as Error).message}`);
  process.exit(1);
}
