// Reading outcomes out of text: how many issues a final message reports, which
// shell commands ran tests, what kind of failure a tool error is.

const NUMBER_WORDS: Record<string, number> = {
  zero: 0, no: 0, one: 1, a: 1, an: 1, single: 1, two: 2, three: 3, four: 4, five: 5,
  six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
};
const ISSUE_NOUN =
  '(?:issues?|problems?|bugs?|findings?|vulnerabilit(?:y|ies)|defects?|concerns?|errors?|warnings?|violations?|smells?)';
const COUNT = '(\\d{1,6}|zero|no|one|an?|single|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)';
// "Found 2 issues", "3 potential security issues", "no bugs", "two problems"
const ISSUES_STATED = new RegExp(`\\b${COUNT}\\s+(?:[a-z-]+\\s+){0,2}?${ISSUE_NOUN}\\b`, 'i');
// "Issues found: 3" (not "Error: 400", which is a status code, not a count)
const ISSUES_LABELLED = /\b(?:issues|problems|bugs|findings|vulnerabilities)(?:\s+found)?\s*:\s*(\d{1,6})\b/i;

/** The count a final message states ("Found 2 issues."), or null when it states none. */
export function countIssues(text: string | null | undefined): number | null {
  if (!text) return null;
  const stated = ISSUES_STATED.exec(text);
  if (stated) return toNumber(stated[1]!);
  const labelled = ISSUES_LABELLED.exec(text);
  return labelled ? Number(labelled[1]) : null;
}

function toNumber(word: string): number {
  const lower = word.toLowerCase();
  return lower in NUMBER_WORDS ? NUMBER_WORDS[lower]! : Number(lower);
}

const TEST_COMMAND = new RegExp(
  [
    String.raw`\b(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?test\b`,
    String.raw`\b(?:npx|pnpx|bunx)\s+(?:vitest|jest|mocha|ava|tap|playwright\s+test|cypress\s+run)\b`,
    String.raw`(?:^|[\s;&|(])(?:vitest|jest|mocha|pytest|py\.test|rspec|phpunit|ctest|tox|nox)\b`,
    String.raw`\bgo\s+test\b`,
    String.raw`\bcargo\s+(?:test|nextest)\b`,
    String.raw`\bdotnet\s+test\b`,
    String.raw`\bmvnw?\b[^;&|\n]*\b(?:test|verify)\b`,
    String.raw`\bgradlew?\b[^;&|\n]*\btest\b`,
    String.raw`\bmake\s+(?:test|check)\b`,
    String.raw`\bpython3?\s+-m\s+(?:pytest|unittest)\b`,
    String.raw`\b(?:deno|mix|swift|zig)\s+test\b`,
    String.raw`\bbundle\s+exec\s+(?:rspec|rake\s+test)\b`,
  ].join('|'),
);

export function isTestCommand(command: string): boolean {
  return TEST_COMMAND.test(command);
}

/** A stable category for an error text, so reports can count failures by type. */
export function classifyToolError(text: string): string {
  if (/No such tool available|is not available in this session/i.test(text)) return 'tool_unavailable';
  if (/permission|not allowed|denied|haven't granted/i.test(text)) return 'permission_denied';
  if (/interrupted|doesn't want to proceed|rejected/i.test(text)) return 'interrupted';
  if (/timed? ?out/i.test(text)) return 'timeout';
  if (/Exit code \d+|exited with code/i.test(text)) return 'command_failed';
  if (/does not exist|no such file|not found|ENOENT/i.test(text)) return 'not_found';
  if (/has not been read yet|modified since read|String to replace not found|InputValidationError|<tool_use_error>/i.test(text))
    return 'invalid_tool_call';
  return 'tool_error';
}

/** A failed Agent tool call (PostToolUseFailure): why the subagent never ran or stopped. */
export function classifyAgentFailure(error: string, isInterrupt: boolean): string {
  if (isInterrupt || /interrupt/i.test(error)) return 'interrupted';
  if (/agent type|subagent_type|not found|unknown agent|no such agent/i.test(error)) return 'unknown_agent_type';
  return 'agent_failed';
}
