import { parseKeyPairsIntoRecord } from '@opentelemetry/core';
import type { ExportConfig } from '../schema/config.js';
import { redacted } from './spans.js';

// The resource every exported span carries: who ran the agents, where, in
// which project. Each of user, host and project can be left out in the config
// (export.resource); OTEL_RESOURCE_ATTRIBUTES adds the team's own (team,
// deployment.environment, ...). service.name is the config's, not
// OTEL_SERVICE_NAME: that one names Claude Code's own telemetry, and these
// spans are kept apart from it. Pure: machine facts and env passed in.

export interface ResourceInput {
  config: ExportConfig;
  project: string;
  user: string | null;
  host: string | null;
  env: NodeJS.ProcessEnv;
  /** The project name is a folder name: hashed with --redact paths. */
  redactPaths: boolean;
}

export function resourceAttributes(input: ResourceInput): Record<string, string> {
  const { config } = input;
  const attributes: Record<string, string> = { ...parseKeyPairsIntoRecord(input.env.OTEL_RESOURCE_ATTRIBUTES) };
  attributes['service.name'] = config.serviceName;
  if (config.resource.host && input.host) attributes['host.name'] = input.host;
  if (config.resource.user && input.user) attributes['user.name'] = input.user;
  if (config.resource.project) attributes['agent_track.project'] = input.redactPaths ? redacted(input.project) : input.project;
  return attributes;
}
