import type { Priority } from '../schema/record.js';
import type { PriorityRule } from '../schema/config.js';

export interface PriorityInput {
  agentType: string;
  prompt: string | null;
  description: string | null;
}

/** The first matching rule wins; every condition a rule names must hold. */
export function priorityFor(input: PriorityInput, config: { default: Priority; rules: PriorityRule[] }): Priority {
  for (const rule of config.rules) {
    if (rule.agentType !== undefined && !globToRegExp(rule.agentType).test(input.agentType)) continue;
    if (rule.promptMatches !== undefined) {
      const pattern = new RegExp(rule.promptMatches, 'i');
      if (!pattern.test(input.prompt ?? '') && !pattern.test(input.description ?? '')) continue;
    }
    return rule.priority;
  }
  return config.default;
}

export function globToRegExp(glob: string): RegExp {
  const source = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i');
}
