import { mkdtempSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load';
import { resourceAttributes } from '../../src/export/resource';
import { DEFAULT_CONFIG } from '../../src/schema/config';

// The export key of .claude/agent-track.json: the one place that decides what leaves the machine.

const file = (content: unknown) => {
  const path = join(mkdtempSync(join(tmpdir(), 'agent-track-config-')), 'agent-track.json');
  writeFileSync(path, JSON.stringify(content));
  return path;
};

describe('export config', () => {
  test('defaults: no export after sessions, no prompts, nothing hashed, every resource attribute', () => {
    expect(DEFAULT_CONFIG.export).toEqual({ afterSession: false, prompts: false, redact: [], serviceName: 'claude-code-subagents', resource: { user: true, host: true, project: true } });
  });

  test('reads every export key; a resource attribute left unsaid stays on', () => {
    const config = loadConfig(file({ export: { afterSession: true, prompts: true, redact: ['paths'], serviceName: 'agents', resource: { user: false } } }));
    expect(config.export).toEqual({ afterSession: true, prompts: true, redact: ['paths'], serviceName: 'agents', resource: { user: false, host: true, project: true } });
  });

  test('an unknown redact kind or export key is an error that names it', () => {
    expect(() => loadConfig(file({ export: { redact: ['emails'] } }))).toThrow(ConfigError);
    expect(() => loadConfig(file({ export: { redact: ['emails'] } }))).toThrow(/export\.redact/);
    expect(() => loadConfig(file({ export: { sendEverything: true } }))).toThrow(/sendEverything/);
  });

  test('resource: service name from the config, OTEL_RESOURCE_ATTRIBUTES added, each machine fact droppable, project hashed with paths', () => {
    const base = { project: 'shop-api', user: 'dev', host: hostname(), env: { OTEL_RESOURCE_ATTRIBUTES: 'team=core,deployment.environment=prod,service.name=ignored' }, redactPaths: false };
    expect(resourceAttributes({ ...base, config: DEFAULT_CONFIG.export })).toEqual({
      'service.name': 'claude-code-subagents',
      team: 'core',
      'deployment.environment': 'prod',
      'host.name': hostname(),
      'user.name': 'dev',
      'agent_track.project': 'shop-api',
    });
    const dropped = resourceAttributes({ ...base, env: {}, config: { ...DEFAULT_CONFIG.export, resource: { user: false, host: false, project: true } }, redactPaths: true });
    expect(dropped).toEqual({ 'service.name': 'claude-code-subagents', 'agent_track.project': expect.stringMatching(/^sha256:[0-9a-f]{16}$/) });
  });
});
