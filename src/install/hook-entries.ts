import { shellQuote } from './shell.js';

// The hook entries agent-track needs in a Claude Code settings file, and the
// pure functions that merge them in and take them out again.
//
// Seven events, the narrowest matchers: per subagent run Claude Code starts at
// most four of these processes (PreToolUse, SubagentStart, SubagentStop or
// StopFailure, and PostToolUse or PostToolUseFailure), plus one SessionEnd per session.
// Synchronous on purpose: with `async: true` Claude Code kills background hooks
// when a `claude -p` session ends, and events are lost (README, "What is installed, and why").

export const AGENT_TOOL_MATCHER = '^(Agent|Task)$';

export const TRACKED_EVENTS: { event: string; matcher?: string }[] = [
  { event: 'PreToolUse', matcher: AGENT_TOOL_MATCHER },
  { event: 'PostToolUse', matcher: AGENT_TOOL_MATCHER },
  { event: 'PostToolUseFailure', matcher: AGENT_TOOL_MATCHER },
  { event: 'SubagentStart' },
  { event: 'SubagentStop' },
  // A subagent that ends on an API error gets no SubagentStop, only this (2.1.332; see
  // docs/claude-code-observations.md). It fires only on failure: no cost to a run that succeeds.
  { event: 'StopFailure' },
  { event: 'SessionEnd' },
];

/** Seconds Claude Code waits before killing the hook; the hook gives up on its own after 8. */
export const HOOK_TIMEOUT_SECONDS = 15;

export interface HookCommand {
  type: 'command';
  command: string;
  args: string[];
  timeout: number;
}

export interface MatcherGroup {
  matcher?: string;
  hooks: Record<string, unknown>[];
  [key: string]: unknown;
}

export type Settings = Record<string, unknown> & { hooks?: Record<string, MatcherGroup[]> };

export class InvalidSettingsError extends Error {}

/** Exec form with absolute paths: no shell, no PATH lookup, works from any cwd. */
export function hookCommand(nodePath: string, binPath: string): HookCommand {
  return { type: 'command', command: nodePath, args: [binPath, 'hook'], timeout: HOOK_TIMEOUT_SECONDS };
}

// Only the exact shape hookCommand writes (and hooks/hooks.json ships) counts
// as ours: install and uninstall delete what matches, so a loose match would
// delete other people's hooks (a user's "my-agent-tracker hook" did vanish).
// No version of agent-track ever wrote a shell-string form.
const NODE_BINARY = /(^|[\\/])node(js)?[\d.]*(\.exe)?$/i;
const OUR_LAUNCHER = /(^|[\\/])bin[\\/]agent-track$/;

/** One of ours: exec form, a node binary running <somewhere>/bin/agent-track with `hook` (any install location). */
export function isAgentTrackHook(hook: Record<string, unknown>): boolean {
  const { command, args } = hook;
  if (typeof command !== 'string' || !NODE_BINARY.test(command) || !Array.isArray(args)) return false;
  return typeof args[0] === 'string' && OUR_LAUNCHER.test(args[0]) && args[1] === 'hook';
}

/** The settings' hooks, checked to have the shape Claude Code expects before we touch anything. */
export function readHooks(settings: unknown): Record<string, MatcherGroup[]> {
  if (!settings || typeof settings !== 'object' || Array.isArray(settings)) throw new InvalidSettingsError('the top level is not a JSON object');
  const hooks = (settings as Settings).hooks;
  if (hooks === undefined) return {};
  if (!hooks || typeof hooks !== 'object' || Array.isArray(hooks)) throw new InvalidSettingsError('"hooks" is not an object');
  for (const [event, groups] of Object.entries(hooks)) {
    if (!Array.isArray(groups)) throw new InvalidSettingsError(`"hooks.${event}" is not an array`);
    groups.forEach((group, i) => {
      if (!group || typeof group !== 'object' || !Array.isArray((group as MatcherGroup).hooks)) {
        throw new InvalidSettingsError(`"hooks.${event}[${i}]" has no "hooks" array`);
      }
    });
  }
  return hooks;
}

/** The opt-in SessionStart alert (`install --alerts`): the same launcher, `hook --alerts`. */
export const ALERTS_EVENT = 'SessionStart';

export function alertsCommand(command: HookCommand): HookCommand {
  return { ...command, args: [...command.args, '--alerts'] };
}

/**
 * Settings with our entries removed, then added once for each event. Other keys and hooks are kept as they were.
 * `alerts` adds the SessionStart alert; one installed before is kept either way.
 */
export function withAgentTrack(settings: Settings, command: HookCommand, options: { alerts?: boolean } = {}): Settings {
  const alerts = options.alerts === true || installedEvents(settings).has(ALERTS_EVENT);
  const cleaned = withoutAgentTrack(settings);
  const hooks = { ...readHooks(cleaned) };
  const events = alerts ? [...TRACKED_EVENTS, { event: ALERTS_EVENT, alerts: true }] : TRACKED_EVENTS;
  for (const entry of events) {
    const hook: Record<string, unknown> = 'alerts' in entry ? { ...alertsCommand(command) } : { ...command };
    const group: MatcherGroup = { ...('matcher' in entry && entry.matcher ? { matcher: entry.matcher } : {}), hooks: [hook] };
    hooks[entry.event] = [...(hooks[entry.event] ?? []), group];
  }
  return withHooks(cleaned, hooks);
}

// The statusline: Claude Code's `statusLine` setting is one shell command. Ours
// wraps a statusline the user already had: it is kept, base64url-encoded, in
// our command line (`--wrap`), run beside ours, and put back by uninstall.

const OUR_STATUSLINE = /(^|[\\/])bin[\\/]agent-track'? statusline( --wrap ([A-Za-z0-9_-]+))?$/;

/** The user's own statusLine that ours wraps, or null; undefined when the setting is not ours. */
export function wrappedStatusLine(value: unknown): Record<string, unknown> | null | undefined {
  if (!value || typeof value !== 'object' || typeof (value as { command?: unknown }).command !== 'string') return undefined;
  const match = OUR_STATUSLINE.exec((value as { command: string }).command);
  if (!match) return undefined;
  if (!match[3]) return null;
  try {
    const original = JSON.parse(Buffer.from(match[3], 'base64url').toString('utf8')) as unknown;
    return original && typeof original === 'object' && !Array.isArray(original) ? (original as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function withStatusLine(settings: Settings, nodePath: string, binPath: string): Settings {
  const current = settings.statusLine;
  const ours = wrappedStatusLine(current);
  const original = ours === undefined ? (current && typeof current === 'object' ? (current as Record<string, unknown>) : null) : ours;
  const wrap = original ? ` --wrap ${Buffer.from(JSON.stringify(original)).toString('base64url')}` : '';
  return withKey(settings, 'statusLine', { type: 'command', command: `${shellQuote(nodePath)} ${shellQuote(binPath)} statusline${wrap}`, padding: 0 });
}

/** Our statusline taken out; the user's own put back when ours wrapped one. */
export function withoutStatusLine(settings: Settings): Settings {
  const ours = wrappedStatusLine(settings.statusLine);
  if (ours === undefined) return settings;
  return withKey(settings, 'statusLine', ours ?? undefined);
}

/** Replace one key where it stands (or drop it), so the file's key order survives. */
function withKey(settings: Settings, key: string, value: unknown): Settings {
  const out: Settings = {};
  for (const [k, v] of Object.entries(settings)) {
    if (k !== key) out[k] = v;
    else if (value !== undefined) out[k] = value;
  }
  if (value !== undefined && !(key in settings)) out[key] = value;
  return out;
}

/** Settings with only our entries taken out; groups and events left empty by that are dropped. */
export function withoutAgentTrack(settings: Settings): Settings {
  const hooks = readHooks(settings);
  if (!settings.hooks) return settings;
  // Built from entries, never by assignment: a key named "__proto__" would set the prototype and vanish.
  const kept: Record<string, MatcherGroup[]> = Object.fromEntries(
    Object.entries(hooks)
      .map(([event, groups]) => {
        const remaining = groups
          .map((group) => ({ ...group, hooks: group.hooks.filter((hook) => !isAgentTrackHook(hook)) }))
          .filter((group, i) => group.hooks.length > 0 || groups[i]!.hooks.length === 0);
        return [event, remaining] as const;
      })
      .filter(([, remaining]) => remaining.length > 0),
  );
  return withHooks(settings, Object.keys(kept).length ? kept : undefined);
}

/** Replace "hooks" where it stands, so the file's key order survives an install and an uninstall. */
function withHooks(settings: Settings, hooks: Record<string, MatcherGroup[]> | undefined): Settings {
  // Object.fromEntries defines keys as own properties: a top-level "__proto__" key of the user's settings is kept.
  const entries: [string, unknown][] = Object.entries(settings).flatMap(([key, value]): [string, unknown][] =>
    key !== 'hooks' ? [[key, value]] : hooks ? [['hooks', hooks]] : [],
  );
  if (hooks && !Object.hasOwn(settings, 'hooks')) entries.push(['hooks', hooks]);
  return Object.fromEntries(entries) as Settings;
}

/** Which of our events are wired in these settings, and with which commands. */
export function installedEvents(settings: Settings): Map<string, Record<string, unknown>[]> {
  const found = new Map<string, Record<string, unknown>[]>();
  for (const [event, groups] of Object.entries(readHooks(settings))) {
    for (const group of groups) {
      for (const hook of group.hooks) if (isAgentTrackHook(hook)) found.set(event, [...(found.get(event) ?? []), { ...hook, matcher: group.matcher }]);
    }
  }
  return found;
}
