import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { HOOK_TIMEOUT_SECONDS, isAgentTrackHook, TRACKED_EVENTS } from '../../src/install/hook-entries';
import { REPO } from '../support/cli';

test('the plugin hooks.json wires the same events and matchers as install does', () => {
  const { hooks } = JSON.parse(readFileSync(join(REPO, 'hooks', 'hooks.json'), 'utf8'));
  expect(Object.keys(hooks).sort()).toEqual(TRACKED_EVENTS.map((e) => e.event).sort());
  for (const { event, matcher } of TRACKED_EVENTS) {
    expect(hooks[event]).toEqual([
      { ...(matcher ? { matcher } : {}), hooks: [{ type: 'command', command: 'node', args: ['${CLAUDE_PLUGIN_ROOT}/bin/agent-track', 'hook'], timeout: HOOK_TIMEOUT_SECONDS }] },
    ]);
    expect(isAgentTrackHook(hooks[event][0].hooks[0])).toBe(true);
  }
  const plugin = JSON.parse(readFileSync(join(REPO, '.claude-plugin', 'plugin.json'), 'utf8'));
  expect(plugin.name).toBe('agent-track');
  expect(plugin.version).toBe(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version);
});
