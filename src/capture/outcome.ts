// Reading outcomes out of text: how many issues a final message reports, which
// shell commands ran tests, what kind of failure a tool error is.

const NUMBER_WORDS: Record<string, number> = {
  zero: 0, no: 0, one: 1, a: 1, an: 1, single: 1, two: 2, three: 3, four: 4, five: 5,
  six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
};
const ISSUE_NOUN = /^(?:issues?|problems?|bugs?|findings?|vulnerabilit(?:y|ies)|defects?|concerns?|errors?|warnings?|violations?|smells?)$/;
// Only these may carry a count after a colon ("Issues found: 3"); "Error: 400" is a status code.
const LABEL_NOUN = /^(?:issues|problems|bugs|findings|vulnerabilities)$/;
const WORD = /[a-z0-9]+(?:-[a-z0-9]+)*|:/g;

/**
 * The count a final message states ("Found 2 issues.", "3 potential security
 * issues", "no bugs", "Issues found: 7"), or null when it states none. A single
 * pass over the words: a count up to two words before an issue noun, or a
 * number after "<noun> [found]:". (A regex for the same costs a hook process
 * milliseconds to compile and backtracks on long messages.)
 */
export function countIssues(message: string | null | undefined): number | null {
  if (!message) return null;
  // A final message states its count in its first lines, not after 100k characters.
  const text = message.length > 100_000 ? message.slice(0, 100_000) : message;
  const words = text.toLowerCase().match(WORD) ?? [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (ISSUE_NOUN.test(word)) {
      for (let back = 1; back <= 3 && i - back >= 0; back++) {
        const count = countOf(words[i - back]!);
        if (count !== null) return count;
        if (words[i - back] === ':') break;
      }
    }
    if (LABEL_NOUN.test(word)) {
      let j = i + 1;
      if (words[j] === 'found') j++;
      if (words[j] === ':' && /^\d{1,6}$/.test(words[j + 1] ?? '')) return Number(words[j + 1]);
    }
  }
  return null;
}

function countOf(word: string): number | null {
  if (/^\d{1,6}$/.test(word)) return Number(word);
  return word in NUMBER_WORDS ? NUMBER_WORDS[word]! : null;
}

const TEST_COMMAND = new RegExp(
  [
    String.raw`\b(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?test\b`,
    String.raw`\b(?:npx|pnpx|bunx)\s+(?:vitest|jest|mocha|ava|tap|playwright\s+test|cypress\s+run)\b`,
    String.raw`(?:^|[\s;&|(])(?:vitest|jest|mocha|pytest|py\.test|rspec|phpunit|ctest|tox|nox)\b`,
    String.raw`\bgo\s+test\b`,
    String.raw`\bcargo\s+(?:test|nextest)\b`,
    String.raw`\bdotnet\s+test\b`,
    String.raw`\bmake\s+(?:test|check)\b`,
    String.raw`\bpython3?\s+-m\s+(?:pytest|unittest)\b`,
    String.raw`\b(?:deno|mix|swift|zig)\s+test\b`,
    String.raw`\bbundle\s+exec\s+(?:rspec|rake\s+test)\b`,
  ].join('|'),
);

/**
 * How much of a command or error text is read. A command line in a transcript
 * can be megabytes; a test runner is named near its start.
 */
export const OUTCOME_SCAN_MAX = 4_000;

const head = (text: string) => (text.length > OUTCOME_SCAN_MAX ? text.slice(0, OUTCOME_SCAN_MAX) : text);

export function isTestCommand(command: string): boolean {
  const text = head(command);
  return TEST_COMMAND.test(text) || text.split(/[;&|\n]/).some(runsJvmTests);
}

// "mvn -q clean verify", "./gradlew :app:test": the build tool, then its test
// goal anywhere later in the same command. As one regex (mvn\b[^;&|]*\btest)
// this rescanned the rest of the line from every "mvn": "mvn " x 80,000 took
// 30 s. Over the words of one command, it is a single pass.
function runsJvmTests(segment: string): boolean {
  let goals: RegExp | null = null;
  for (const word of segment.match(/\w+/g) ?? []) {
    if (goals?.test(word)) return true;
    if (goals === null && /^mvnw?$/.test(word)) goals = /^(?:test|verify)$/;
    else if (goals === null && /^gradlew?$/.test(word)) goals = /^test$/;
  }
  return false;
}

/** A stable category for an error text, so reports can count failures by type. */
export function classifyToolError(error: string): string {
  const text = head(error);
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
