#!/usr/bin/env node
// Raw-capture hook for experiments with the real Claude Code binary.
//
// Appends one JSON line per hook invocation to OUT (first argument): the stdin payload,
// when the process started, its pid/ppid/pgid, the CLAUDE_* environment, argv, how stdin
// behaved, and for subagent events whether agent-<id>.meta.json already exists on disk.
// Plain .mjs with no dependencies so Claude Code can start it with a bare `node`.
//
// Usage: node capture-hook.mjs OUT [--tag NAME] [--sleep-ms N] [--sleep-on EVENT]
//          [--exit N] [--stderr TEXT] [--stdout TEXT] [--stdin-deadline-ms N]
//   --sleep-ms N      sleep N ms after recording (then append a {phase:"end"} line)
//   --sleep-on EVENT  only sleep for this hook_event_name (repeatable)
//   --exit N          exit code to return; --stderr / --stdout: text to print
//   --ignore-signals  record SIGTERM/SIGINT/SIGHUP but keep running
// Signals received (e.g. when Claude Code kills a hook past its timeout) are appended as
// {phase:"signal"} lines before exiting with 128+signo.
import fs from 'node:fs';
import path from 'node:path';

const startedAt = Date.now();
const argv = process.argv.slice(2);
const out = argv[0];
const opt = { ignoreSignals: false, tag: undefined, sleepMs: 0, sleepOn: [], exit: 0, stderr: undefined, stdout: undefined, deadline: 3000 };
for (let i = 1; i < argv.length; i++) {
  const a = argv[i];
  const v = argv[i + 1];
  if (a === '--tag') (opt.tag = v), i++;
  else if (a === '--sleep-ms') (opt.sleepMs = Number(v)), i++;
  else if (a === '--sleep-on') (opt.sleepOn.push(v), i++);
  else if (a === '--exit') (opt.exit = Number(v)), i++;
  else if (a === '--stderr') (opt.stderr = v), i++;
  else if (a === '--stdout') (opt.stdout = v), i++;
  else if (a === '--ignore-signals') opt.ignoreSignals = true;
  else if (a === '--stdin-deadline-ms') (opt.deadline = Number(v)), i++;
}
if (!out) {
  process.stderr.write('capture-hook: missing output file argument\n');
  process.exit(0);
}

const append = (obj) => fs.appendFileSync(out, JSON.stringify(obj) + '\n');

function pgid() {
  try {
    // /proc/self/stat: pid (comm) state ppid pgrp ...; comm may hold spaces.
    const s = fs.readFileSync('/proc/self/stat', 'utf8');
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return Number(rest[2]);
  } catch {
    return undefined;
  }
}

for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
  process.on(sig, () => {
    append({ phase: 'signal', signal: sig, pid: process.pid, tag: opt.tag, at: Date.now(), event: current?.hook_event_name });
    if (opt.ignoreSignals) return;
    process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 })[sig]);
  });
}

let current;

function readStdin(deadlineMs) {
  return new Promise((resolve) => {
    const chunks = [];
    let done = false;
    const finish = (closed) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ raw: Buffer.concat(chunks).toString('utf8'), closed, ms: Date.now() - startedAt });
    };
    const timer = setTimeout(() => finish(false), deadlineMs);
    process.stdin.on('data', (c) => chunks.push(c));
    process.stdin.on('end', () => finish(true));
    process.stdin.on('error', () => finish(true));
  });
}

const stdin = await readStdin(opt.deadline);
process.stdin.destroy(); // an unclosed stdin must not keep this process alive
let payload;
try {
  payload = JSON.parse(stdin.raw);
} catch {
  payload = { unparsed: stdin.raw.slice(0, 2000) };
}
current = payload;

// Does the subagent's meta.json / transcript exist right now?
function checkFiles() {
  if (!(payload && payload.agent_id && payload.transcript_path && payload.session_id)) return undefined;
  const dir = path.join(path.dirname(payload.transcript_path), payload.session_id, 'subagents');
  const meta = path.join(dir, `agent-${payload.agent_id}.meta.json`);
  const transcript = path.join(dir, `agent-${payload.agent_id}.jsonl`);
  let metaContent;
  try {
    metaContent = JSON.parse(fs.readFileSync(meta, 'utf8'));
  } catch {
    metaContent = undefined;
  }
  return { metaExists: fs.existsSync(meta), meta: metaContent, transcriptExists: fs.existsSync(transcript) };
}
const files = checkFiles();

const env = {};
for (const [k, v] of Object.entries(process.env)) if (k.startsWith('CLAUDE')) env[k] = v;

append({
  phase: 'start',
  tag: opt.tag,
  event: payload?.hook_event_name,
  processStart: Math.round(performance.timeOrigin),
  startedAt,
  at: Date.now(),
  pid: process.pid,
  ppid: process.ppid,
  pgid: pgid(),
  argv: process.argv.slice(1),
  env,
  stdin: { closed: stdin.closed, ms: stdin.ms, bytes: Buffer.byteLength(stdin.raw) },
  files,
  payload,
});

const sleepHere = opt.sleepMs > 0 && (opt.sleepOn.length === 0 || opt.sleepOn.includes(payload?.hook_event_name));
if (sleepHere) {
  await new Promise((r) => setTimeout(r, opt.sleepMs));
  append({ phase: 'end', tag: opt.tag, event: payload?.hook_event_name, pid: process.pid, at: Date.now(), files: checkFiles() });
}
if (opt.stdout !== undefined) process.stdout.write(opt.stdout);
if (opt.stderr !== undefined) process.stderr.write(opt.stderr);
// Pipes are written synchronously on Linux, so exiting right away loses nothing.
process.exit(opt.exit);
