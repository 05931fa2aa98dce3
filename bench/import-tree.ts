import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { projectKey } from '../src/import/project-key';

// A synthetic Claude Code config folder for the import benchmark, built from
// the real 2.1.332 captures: each session is one of the three captured
// sessions with every id fresh (session, prompt, message, tool use, agent,
// line uuids) and its clock moved back, spread over PROJECTS projects. Built
// once into .bench/ and reused.

// The real captures kept in the repository.
const FIXTURES = join(__dirname, '..', 'test', 'fixtures');
const SCENARIOS = ['single', 'fanout', 'nested-background'];
const PROJECTS = 20;
const HOUR = 3_600_000;

interface Capture {
  files: { rel: string; text: string }[];
}

function loadCapture(scenario: string): Capture {
  const dir = join(FIXTURES!, 'claude-code-2.1.332', scenario, 'transcripts');
  const session = readdirSync(dir).find((n) => n.endsWith('.jsonl'))!;
  const id = session.slice(0, -6);
  const files = [{ rel: session, text: readFileSync(join(dir, session), 'utf8') }];
  for (const name of readdirSync(join(dir, 'subagents'))) files.push({ rel: `${id}/subagents/${name}`, text: readFileSync(join(dir, 'subagents', name), 'utf8') });
  return { files };
}

const ID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|toolu_[A-Za-z0-9]+|msg_[A-Za-z0-9_]+|\ba[0-9a-f]{16}\b/g;
const TIME = /"(timestamp)":"(\d{4}-\d{2}-\d{2}T[0-9:.]+Z)"/g;

function freshId(old: string): string {
  if (old.startsWith('toolu_')) return `toolu_${randomBytes(8).toString('hex')}`;
  if (old.startsWith('msg_')) return `msg_${randomBytes(8).toString('hex')}`;
  if (/^a[0-9a-f]{16}$/.test(old)) return `a${randomBytes(8).toString('hex')}`;
  return randomUUID();
}

export function buildTree(root: string, sessions: number): { bytes: number; sessions: number } {
  const captures = SCENARIOS.map(loadCapture);
  const tmp = `${root}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  let bytes = 0;
  for (let i = 0; i < sessions; i++) {
    const capture = captures[i % captures.length]!;
    const project = `/home/dev/project-${i % PROJECTS}`;
    const ids = new Map<string, string>();
    const swap = (text: string) =>
      text
        .replace(ID, (old) => {
          let fresh = ids.get(old);
          if (!fresh) ids.set(old, (fresh = freshId(old)));
          return fresh;
        })
        .replace(TIME, (_m, key, at) => `"${key}":"${new Date(Date.parse(at) - i * HOUR).toISOString()}"`)
        .split('/home/dev/shop-api')
        .join(project)
        .split('-home-dev-shop-api')
        .join(projectKey(project));
    const folder = join(tmp, 'projects', projectKey(project));
    for (const file of capture.files) {
      const text = swap(file.text);
      const path = join(folder, swap(file.rel));
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, text);
      bytes += Buffer.byteLength(text);
    }
  }
  renameSync(tmp, root);
  return { bytes, sessions };
}

/**
 * One session whose transcript is `targetBytes` long: the captured session's
 * lines repeated, as a resumed session repeats the history it continues (its
 * three Agent calls are the same three runs each time: what grows is what
 * must be streamed, not the number of records).
 */
export function buildHugeSession(root: string, targetBytes: number): string {
  const capture = loadCapture('fanout');
  const main = capture.files[0]!.text.split('\n').filter(Boolean);
  const project = '/home/dev/huge';
  const folder = join(`${root}.tmp`, 'projects', projectKey(project));
  rmSync(`${root}.tmp`, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const path = join(folder, `${randomUUID()}.jsonl`);
  const fd = openSync(path, 'w');
  let written = 0;
  while (written < targetBytes) {
    for (const line of main) written += writeSync(fd, `${line.split('/home/dev/shop-api').join(project)}\n`);
  }
  closeSync(fd);
  renameSync(`${root}.tmp`, root);
  return path;
}
