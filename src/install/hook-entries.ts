// The hook entries agent-track needs in a Claude Code settings file, and the
// pure functions that merge them in and take them out again.
//
// Seven events, the narrowest matchers: per subagent run Claude Code starts at
// most four of these processes (PreToolUse, SubagentStart, SubagentStop or
// StopFailure, and PostToolUse or PostToolUseFailure), plus one SessionEnd per session.
// Synchronous on purpose: with `async: true` Claude Code kills background hooks
// when a `claude -p` session ends, and events are lost (see docs/claude-code.md).

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

/** Settings with our entries removed, then added once for each event. Other keys and hooks are kept as they were. */
export function withAgentTrack(settings: Settings, command: HookCommand): Settings {
  const cleaned = withoutAgentTrack(settings);
  const hooks = { ...readHooks(cleaned) };
  for (const { event, matcher } of TRACKED_EVENTS) {
    const group: MatcherGroup = { ...(matcher ? { matcher } : {}), hooks: [{ ...command }] };
    hooks[event] = [...(hooks[event] ?? []), group];
  }
  return withHooks(cleaned, hooks);
}

/** Settings with only our entries taken out; groups and events left empty by that are dropped. */
export function withoutAgentTrack(settings: Settings): Settings {
  const hooks = readHooks(settings);
  if (!settings.hooks) return settings;
  const kept: Record<string, MatcherGroup[]> = {};
  for (const [event, groups] of Object.entries(hooks)) {
    const remaining = groups
      .map((group) => ({ ...group, hooks: group.hooks.filter((hook) => !isAgentTrackHook(hook)) }))
      .filter((group, i) => group.hooks.length > 0 || groups[i]!.hooks.length === 0);
    if (remaining.length) kept[event] = remaining;
  }
  return withHooks(settings, Object.keys(kept).length ? kept : undefined);
}

/** Replace "hooks" where it stands, so the file's key order survives an install and an uninstall. */
function withHooks(settings: Settings, hooks: Record<string, MatcherGroup[]> | undefined): Settings {
  const out: Settings = {};
  for (const [key, value] of Object.entries(settings)) {
    if (key !== 'hooks') out[key] = value;
    else if (hooks) out.hooks = hooks;
  }
  if (hooks && !('hooks' in settings)) out.hooks = hooks;
  return out;
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
