import { describe, expect, test } from 'vitest';
import { suggestAgents } from '../../src/analytics/agent-names.js';

const recorded = ['Explore', 'central-supervisor', 'central-supervisor-v2', 'code-review-specialist', 'general-purpose', 'test-automation-specialist'];

describe('suggestAgents', () => {
  test('offers a name that differs only in case as a hint', () => {
    expect(suggestAgents(['explore'], recorded).caseMatches).toEqual([{ requested: 'explore', recorded: 'Explore' }]);
    expect(suggestAgents(['explore'], recorded).close).toEqual(['Explore']);
  });

  test('ranks the closest names first: typos and parts of a name', () => {
    expect(suggestAgents(['code-reveiw-specialist'], recorded).close).toEqual(['code-review-specialist']);
    expect(suggestAgents(['review'], recorded).close).toEqual(['code-review-specialist']);
    expect(suggestAgents(['central-supervisor-v3'], recorded).close).toEqual(['central-supervisor-v2', 'central-supervisor']);
  });

  test('suggests nothing for a name like none of them', () => {
    expect(suggestAgents(['nosuch'], recorded)).toEqual({ caseMatches: [], close: [] });
  });
});
