import { describe, expect, test } from 'vitest';
import { hookCommand, installedEvents, InvalidSettingsError, isAgentTrackHook, TRACKED_EVENTS, withAgentTrack, withoutAgentTrack } from '../../src/install/hook-entries';

const command = hookCommand('/usr/bin/node', '/opt/agent-track/bin/agent-track');

const existing = {
  permissions: { allow: ['Bash(*)'] },
  hooks: {
    PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'lint-bash.sh' }] }],
    Stop: [{ hooks: [{ type: 'command', command: 'notify-send done' }] }],
  },
  model: 'opus',
};

describe('merging the hook entries into settings', () => {
  test('adds one entry per tracked event and keeps every other key and hook', () => {
    const next = withAgentTrack(existing, command);
    expect(Object.keys(next)).toEqual(['permissions', 'hooks', 'model']);
    expect(next.permissions).toEqual(existing.permissions);
    expect(next.hooks!.Stop).toEqual(existing.hooks.Stop);
    expect(next.hooks!.PreToolUse![0]).toEqual(existing.hooks.PreToolUse[0]);
    expect([...installedEvents(next).keys()].sort()).toEqual(TRACKED_EVENTS.map((e) => e.event).sort());
    for (const { event, matcher } of TRACKED_EVENTS) {
      const ours = next.hooks![event]!.filter((g) => g.hooks.some(isAgentTrackHook));
      expect(ours).toEqual([{ ...(matcher ? { matcher } : {}), hooks: [command] }]);
    }
  });

  test('is idempotent', () => {
    const once = withAgentTrack(existing, command);
    expect(withAgentTrack(once, command)).toEqual(once);
  });

  test('a new install location replaces the old entries instead of adding more', () => {
    const moved = withAgentTrack(withAgentTrack(existing, hookCommand('/old/node', '/old/agent-track/bin/agent-track')), command);
    expect(moved).toEqual(withAgentTrack(existing, command));
  });

  test('uninstall takes out only our entries and restores the settings', () => {
    expect(withoutAgentTrack(withAgentTrack(existing, command))).toEqual(existing);
    const bare = { model: 'opus' };
    expect(withoutAgentTrack(withAgentTrack(bare, command))).toEqual(bare);
  });

  test('uses exec form with absolute paths, synchronous, with a timeout', () => {
    expect(command).toEqual({ type: 'command', command: '/usr/bin/node', args: ['/opt/agent-track/bin/agent-track', 'hook'], timeout: 15 });
    expect(command).not.toHaveProperty('async');
  });

  test.each([
    [[], 'not a JSON object'],
    [{ hooks: [] }, '"hooks" is not an object'],
    [{ hooks: { PreToolUse: {} } }, 'is not an array'],
    [{ hooks: { PreToolUse: [{ matcher: 'x' }] } }, 'has no "hooks" array'],
  ])('refuses settings of the wrong shape: %j', (settings, message) => {
    expect(() => withAgentTrack(settings as never, command)).toThrow(InvalidSettingsError);
    expect(() => withAgentTrack(settings as never, command)).toThrow(message);
  });

  test('recognises only the exec form it writes, from any install location', () => {
    expect(isAgentTrackHook({ command: '/usr/bin/node', args: ['/x/agent-track/bin/agent-track', 'hook'] })).toBe(true);
    expect(isAgentTrackHook({ type: 'command', command: 'node', args: ['${CLAUDE_PLUGIN_ROOT}/bin/agent-track', 'hook'], timeout: 15 })).toBe(true);
    expect(isAgentTrackHook({ command: 'C:\\Program Files\\nodejs\\node.exe', args: ['C:\\tools\\agent-track\\bin\\agent-track', 'hook'] })).toBe(true);
  });

  test.each([
    [{ command: '/usr/local/bin/my-agent-tracker hook' }],
    [{ command: 'npx agent-track hook' }],
    [{ command: 'node "${CLAUDE_PLUGIN_ROOT}/bin/agent-track" hook' }],
    [{ command: 'agent-track report --daily' }],
    [{ command: 'my-hook.sh' }],
    [{ command: '/usr/bin/node', args: ['/x/agent-track/bin/agent-track', 'report'] }],
    [{ command: '/usr/bin/node', args: ['/x/bin/agent-tracker', 'hook'] }],
    [{ command: '/usr/bin/python3', args: ['/x/agent-track/bin/agent-track', 'hook'] }],
    [{ command: '/opt/agent-track-hook', args: ['hook'] }],
  ])('leaves a hook that is not ours alone: %j', (hook) => {
    expect(isAgentTrackHook(hook)).toBe(false);
  });

  test("install and uninstall keep a user's own agent-tracking hook", () => {
    const theirs = { hooks: { SessionEnd: [{ hooks: [{ type: 'command', command: '/usr/local/bin/my-agent-tracker hook' }] }] } };
    const installed = withAgentTrack(theirs, command);
    expect(installed.hooks!.SessionEnd![0]).toEqual(theirs.hooks.SessionEnd[0]);
    expect(installedEvents(theirs).size).toBe(0);
    expect(withoutAgentTrack(installed)).toEqual(theirs);
  });
});
