// Carries gitleaks' secret rules (https://github.com/gitleaks/gitleaks,
// config/gitleaks.toml, MIT) into src/capture/secret-rules.json, the data the
// scrubber runs. gitleaks keeps ~220 provider formats current and writes them
// for Go's RE2 (linear time); V8 backtracks, so each rule is rewritten for
// JavaScript and kept only when it cannot backtrack badly (see
// backtrackingRisk). The leading `[\w.-]{0,50}?` that gitleaks uses to report
// the whole assignment is dropped: we redact only the secret group.
//
//   npx tsx scripts/import-gitleaks-rules.ts path/to/gitleaks.toml
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'smol-toml';
import { backtrackingRisk, type SecretRule } from '../src/capture/secret-rules.js';

interface GitleaksRule {
  id: string;
  regex?: string;
  keywords?: string[];
  secretGroup?: number;
  entropy?: number;
}

const [source] = process.argv.slice(2);
if (!source) {
  process.stderr.write('usage: tsx scripts/import-gitleaks-rules.ts path/to/gitleaks.toml\n');
  process.exit(1);
}
const config = parse(readFileSync(source, 'utf8')) as unknown as { rules: GitleaksRule[] };

const POSIX: Record<string, string> = { alnum: 'A-Za-z0-9', alpha: 'A-Za-z', digit: '0-9', xdigit: '0-9A-Fa-f', upper: 'A-Z', lower: 'a-z', space: '\\s' };

/** The rule as a JavaScript pattern and flags, or the reason it cannot be one. */
function toJavaScript(regex: string): { pattern: string; flags: string } | { skip: string } {
  let pattern = regex;
  let insensitive = false;
  // Node 20 has no inline modifiers: a rule with any case-insensitive part becomes
  // case-insensitive as a whole (it can only redact more).
  if (/\(\?i\)|\(\?i:/.test(pattern)) insensitive = true;
  pattern = pattern.replace(/\(\?i\)/g, '').replace(/\(\?-?i:/g, '(?:');
  pattern = pattern.replace(/^(?:\[\\w\.-\]\{0,50\}\?)+/, '').replace(/^\(\?:\[\\w\.-\]\{0,50\}\?/, '(?:');
  pattern = pattern.replace(/\(\?s:\.\)/g, '[\\s\\S]');
  pattern = pattern.replace(/\[\[:(\w+):\]\]/g, (_m, name: string) => `[${POSIX[name] ?? `[:${name}:]`}]`);
  pattern = pattern.replace(/\[:(\w+):\]/g, (m, name: string) => POSIX[name] ?? m);
  pattern = pattern.replace(/\\z/g, '$').replace(/\(\?P</g, '(?<');
  // gitleaks ends a key at a quote, a space, ; or an escaped \n. Any backslash
  // here: in a log excerpt a payload's JSON is escaped again (\\\" after the key).
  pattern = pattern.split(String.raw`[\x60'"\s;]|\\[nr]`).join(String.raw`[\x60'"\s;\\]`);
  if (/\(\?[a-z-]+[:)]|\\[AQE]|\\p\{/.test(pattern)) return { skip: 'RE2-only syntax' };
  try {
    new RegExp(pattern, `g${insensitive ? 'i' : ''}`);
  } catch (error) {
    return { skip: `not valid in JavaScript: ${(error as Error).message}` };
  }
  const risk = backtrackingRisk(pattern);
  if (risk) return { skip: risk };
  return { pattern, flags: insensitive ? 'i' : '' };
}

const rules: SecretRule[] = [];
const skipped: string[] = [];
for (const rule of config.rules) {
  if (!rule.regex || !rule.keywords?.length) {
    skipped.push(`${rule.id}: no regex or keywords`);
    continue;
  }
  const js = toJavaScript(rule.regex);
  if ('skip' in js) {
    skipped.push(`${rule.id}: ${js.skip}`);
    continue;
  }
  rules.push({
    id: rule.id,
    pattern: js.pattern,
    flags: js.flags,
    keywords: rule.keywords.map((k) => k.toLowerCase()),
    ...(rule.secretGroup ? { group: rule.secretGroup } : {}),
    ...(rule.entropy ? { entropy: rule.entropy } : {}),
  });
}
writeFileSync(new URL('../src/capture/secret-rules.json', import.meta.url), `${JSON.stringify(rules, null, 0).replace(/\},\{/g, '},\n{')}\n`);
process.stdout.write(`${rules.length} rules carried, ${skipped.length} skipped:\n${skipped.map((s) => `  ${s}`).join('\n')}\n`);
