import type { Priority } from '../schema/record.js';
import type { PriorityRule } from '../schema/config.js';
import { matchesConfiguredPattern, matchesGlob } from '../schema/pattern.js';

export interface PriorityInput {
  agentType: string;
  prompt: string | null;
  description: string | null;
}

/** The first matching rule wins; every condition a rule names must hold. */
export function priorityFor(input: PriorityInput, config: { default: Priority; rules: PriorityRule[] }): Priority {
  for (const rule of config.rules) {
    if (rule.agentType !== undefined && !matchesGlob(rule.agentType, input.agentType)) continue;
    if (rule.promptMatches !== undefined) {
      const pattern = rule.promptMatches;
      if (!matchesConfiguredPattern(pattern, input.prompt ?? '') && !matchesConfiguredPattern(pattern, input.description ?? '')) continue;
    }
    return rule.priority;
  }
  return config.default;
}
