/**
 * Scripted sessions for the API stand-in. Each scenario is a main-thread prompt plus one
 * ConversationScript per conversation it causes (the main thread and each subagent),
 * and the custom agents / plugin it needs. Markers (RUN-..., SUB-...) are unique across
 * scenarios, so ALL_SCRIPTS can serve every scenario from one fake server.
 *
 * Token usage is the default of fake-anthropic (input 100+step, cache read 50, output 20).
 */
import {
  agent,
  bash,
  fail,
  reply,
  say,
  text,
  toolUse,
  type ConversationScript,
} from './fake-anthropic.js';
import type { AgentFile, PluginOptions } from './claude-session.js';

export interface Scenario {
  name: string;
  /** The `claude -p` prompt. */
  prompt: string;
  scripts: ConversationScript[];
  /** Custom agent files the project needs (.claude/agents/<name>.md). */
  agents?: (string | AgentFile)[];
  /** A plugin the session needs (`--plugin-dir`). */
  plugin?: PluginOptions;
}

/** The custom agents used by the scenarios (as in the captured fixtures). */
export const CUSTOM_AGENTS: AgentFile[] = [
  { name: 'code-review-specialist', description: 'Reviews code for problems' },
  { name: 'test-automation-specialist', description: 'Writes and runs tests' },
];

/** One general-purpose agent: Bash, then Write, then answers. */
export const single: Scenario = {
  name: 'single',
  prompt: 'RUN-SINGLE go',
  scripts: [
    {
      name: 'main-single',
      match: 'RUN-SINGLE',
      steps: [
        say(
          text('Delegating.'),
          agent({ description: 'Write a file', prompt: 'SUB-WRITE please write notes.txt', subagent_type: 'general-purpose' }),
        ),
        reply('All done.'),
      ],
    },
    {
      name: 'sub-write',
      match: 'SUB-WRITE',
      steps: [
        say(bash('echo hi', 'say hi')),
        say(toolUse('Write', { file_path: 'notes.txt', content: 'hello\n' })),
        reply('Wrote notes.txt'),
      ],
    },
  ],
};

/**
 * Two custom agents in parallel (one has a failing `exit 3`), then an agent whose
 * first API call fails with HTTP 400.
 */
export const fanout: Scenario = {
  name: 'fanout',
  prompt: 'RUN-FANOUT go',
  agents: CUSTOM_AGENTS,
  scripts: [
    {
      name: 'main-fanout',
      match: 'RUN-FANOUT',
      steps: [
        say(
          agent({ description: 'Write tests', prompt: 'SUB-TESTS write tests', subagent_type: 'test-automation-specialist' }),
          agent({ description: 'Review code', prompt: 'SUB-REVIEW review src', subagent_type: 'code-review-specialist' }),
        ),
        say(agent({ description: 'Failing review', prompt: 'SUB-FAIL this one fails', subagent_type: 'code-review-specialist' })),
        reply('All done.'),
      ],
    },
    {
      name: 'sub-tests',
      match: 'SUB-TESTS',
      steps: [
        say(toolUse('Write', { file_path: 'a.test.js', content: "test('x',()=>{})\n" })),
        say(bash('exit 3', 'run failing tests')),
        reply('Tests written; 1 failing.'),
      ],
    },
    {
      name: 'sub-review',
      match: 'SUB-REVIEW',
      steps: [
        // Two tools in parallel in one message. (No Grep: 2.1.197 offers no Grep/Glob tool.)
        say(toolUse('Read', { file_path: '.claude/settings.json' }), bash('ls .claude', 'list')),
        reply('Found 2 issues.'),
      ],
    },
    {
      name: 'sub-fail',
      match: 'SUB-FAIL',
      steps: [fail(400, 'scripted failure')],
    },
  ],
};

/** A foreground agent that launches a nested agent. */
export const nested: Scenario = {
  name: 'nested',
  prompt: 'RUN-NESTED go',
  agents: CUSTOM_AGENTS,
  scripts: [
    {
      name: 'main-nested',
      match: 'RUN-NESTED',
      steps: [
        say(agent({ description: 'Nested parent', prompt: 'SUB-PARENT do nested', subagent_type: 'general-purpose' })),
        reply('All done.'),
      ],
    },
    {
      name: 'sub-parent',
      match: 'SUB-PARENT',
      steps: [
        say(agent({ description: 'Nested child', prompt: 'SUB-CHILD nested child', subagent_type: 'code-review-specialist' })),
        reply('Parent done.'),
      ],
    },
    {
      name: 'sub-child',
      match: 'SUB-CHILD',
      steps: [say(bash('echo child', 'child')), reply('Child done.')],
    },
  ],
};

/**
 * A background agent (`run_in_background: true`) that is still running when the main
 * turn ends: its last API answer is held back for BG_DELAY_MS.
 */
export const BG_DELAY_MS = 1200;
export const background: Scenario = {
  name: 'background',
  prompt: 'RUN-BACKGROUND go',
  agents: CUSTOM_AGENTS,
  scripts: [
    {
      name: 'main-background',
      match: 'RUN-BACKGROUND',
      steps: [
        say(
          agent({
            description: 'Background tests',
            prompt: 'SUB-BG run in bg',
            subagent_type: 'test-automation-specialist',
            run_in_background: true,
          }),
        ),
        reply('Waiting done.'),
        // Answers the <task-notification> Claude Code injects when the agent finishes.
        reply('All done 2.'),
      ],
    },
    {
      name: 'sub-bg',
      match: 'SUB-BG',
      steps: [say(bash('echo bg', 'bg')), { ...reply('BG done.'), delayMs: BG_DELAY_MS }],
    },
  ],
};

/** An Agent call with a subagent_type that does not exist. */
export const unknownType: Scenario = {
  name: 'unknown-type',
  prompt: 'RUN-UNKNOWN go',
  scripts: [
    {
      name: 'main-unknown',
      match: 'RUN-UNKNOWN',
      steps: [
        say(agent({ description: 'Ghost agent', prompt: 'SUB-NOPE never runs', subagent_type: 'no-such-agent' })),
        reply('Handled the error.'),
      ],
    },
    { name: 'sub-nope', match: 'SUB-NOPE', steps: [reply('should not run')] },
  ],
};

/**
 * The interrupted agent's Bash command: 30 s of nothing. Not a plain `sleep 30`, which
 * 2.1.332 refuses ("Blocked: standalone sleep 30"), so the tool really runs on every
 * release. LONG_PROCESS matches the process it leaves running, for waitForProcess().
 */
export const LONG_COMMAND = 'timeout 30 tail -f /dev/null';
export const LONG_PROCESS = /^tail -f \/dev\/null$/;

/**
 * A foreground agent runs LONG_COMMAND; the test signals the claude process meanwhile.
 * `run_in_background: false` keeps it in the foreground on 2.1.332 too, where agents
 * default to the background, so the interrupt hits a running turn on every release.
 */
export const interrupted: Scenario = {
  name: 'interrupted',
  prompt: 'RUN-INTERRUPT go',
  scripts: [
    {
      name: 'main-interrupt',
      match: 'RUN-INTERRUPT',
      steps: [
        say(agent({ description: 'Long sleeper', prompt: 'SUB-SLEEP sleep long', subagent_type: 'general-purpose', run_in_background: false })),
        // After SIGTERM the main loop goes on with this call while Claude Code shuts down;
        // held back like a real API call so that the shutdown wins the race (see docs).
        { ...reply('Done.'), delayMs: 3000 },
      ],
    },
    {
      name: 'sub-sleep',
      match: 'SUB-SLEEP',
      steps: [say(bash(LONG_COMMAND, 'sleep long')), reply('Slept.')],
    },
  ],
};

/**
 * `single` with an explicit `run_in_background: false`: the foreground run, with
 * Claude Code's totals in PostToolUse, on every release.
 */
export const foreground: Scenario = {
  name: 'foreground',
  prompt: 'RUN-FOREGROUND go',
  scripts: [
    {
      name: 'main-foreground',
      match: 'RUN-FOREGROUND',
      steps: [
        say(
          text('Delegating.'),
          agent({ description: 'Write a file', prompt: 'SUB-FGWRITE please write notes.txt', subagent_type: 'general-purpose', run_in_background: false }),
        ),
        reply('All done.'),
      ],
    },
    {
      name: 'sub-fgwrite',
      match: 'SUB-FGWRITE',
      steps: [say(bash('echo hi', 'say hi')), say(toolUse('Write', { file_path: 'notes.txt', content: 'hello\n' })), reply('Wrote notes.txt')],
    },
  ],
};

/**
 * An agent launched with the release's default (background on 2.1.332) whose first API
 * call fails with HTTP 400: no SubagentStop, and on 2.1.332 a failed task-notification.
 */
export const apiFailure: Scenario = {
  name: 'api-failure',
  prompt: 'RUN-APIFAIL go',
  agents: CUSTOM_AGENTS,
  scripts: [
    {
      name: 'main-apifail',
      match: 'RUN-APIFAIL',
      steps: [say(agent({ description: 'Failing review', prompt: 'SUB-APIFAIL this one fails', subagent_type: 'code-review-specialist' })), reply('All done.')],
    },
    { name: 'sub-apifail', match: 'SUB-APIFAIL', steps: [fail(400, 'scripted failure')] },
  ],
};

/** Name of the plugin of the `plugin` scenario; its agent type is `e2e-plugin:x`. */
export const PLUGIN_NAME = 'e2e-plugin';
/** An agent type that comes from a plugin (`<plugin>:<agent>`, with a colon). */
export const pluginAgent: Scenario = {
  name: 'plugin-agent',
  prompt: 'RUN-PLUGIN go',
  plugin: { name: PLUGIN_NAME, agents: [{ name: 'x', description: 'Plugin test agent' }] },
  scripts: [
    {
      name: 'main-plugin',
      match: 'RUN-PLUGIN',
      steps: [
        say(agent({ description: 'Plugin agent', prompt: 'SUB-PLUGIN-X go', subagent_type: `${PLUGIN_NAME}:x` })),
        reply('All done.'),
      ],
    },
    {
      name: 'sub-plugin-x',
      match: 'SUB-PLUGIN-X',
      steps: [say(bash('echo plugin', 'plugin')), reply('Plugin agent done.')],
    },
  ],
};

/**
 * Three agent types at once (custom, plugin, default general-purpose): for matcher
 * experiments. Needs CUSTOM_AGENTS and the plugin of `pluginAgent`.
 */
export const mixedTypes: Scenario = {
  name: 'mixed-types',
  prompt: 'RUN-MIX go',
  agents: CUSTOM_AGENTS,
  plugin: pluginAgent.plugin!,
  scripts: [
    {
      name: 'main-mix',
      match: 'RUN-MIX',
      steps: [
        say(
          agent({ description: 'Review code', prompt: 'SUB-MIX-REVIEW go', subagent_type: 'code-review-specialist' }),
          agent({ description: 'Plugin agent', prompt: 'SUB-MIX-PLUGIN go', subagent_type: `${PLUGIN_NAME}:x` }),
          agent({ description: 'Default agent', prompt: 'SUB-MIX-DEFAULT go' }),
        ),
        reply('All done.'),
      ],
    },
    { name: 'sub-mix-review', match: 'SUB-MIX-REVIEW', steps: [reply('reviewed')] },
    { name: 'sub-mix-plugin', match: 'SUB-MIX-PLUGIN', steps: [reply('plugged')] },
    { name: 'sub-mix-default', match: 'SUB-MIX-DEFAULT', steps: [reply('defaulted')] },
  ],
};

export const SCENARIOS = [single, foreground, fanout, nested, background, apiFailure, unknownType, interrupted, pluginAgent, mixedTypes];

/** Every script of every scenario (markers are unique). */
export const ALL_SCRIPTS: ConversationScript[] = SCENARIOS.flatMap((s) => s.scripts);

// ---------------------------------------------------------------------------
// Releases before 2.1.2 (import-legacy.e2e.test.ts, scripts/capture-claude-code-legacy.ts).
// They call the agent tool `Task`, require `subagent_type`, give subagents no Task tool,
// and ignore a whole settings file holding `Bash(*)`: hence their own permissions.

const task = (input: { description: string; prompt: string; subagent_type: string }) => toolUse('Task', input);

/** permissions for .claude/settings.json that releases before 2.1 accept. */
export const LEGACY_PERMISSIONS = { allow: ['Bash', 'Write', 'Read', 'Edit', 'Grep', 'Task'], defaultMode: 'default' };

const legacySubagents: ConversationScript[] = [
  { name: 'sub-legacy-hi', match: 'SUB-LEGACY-HI', steps: [say(bash('echo hi', 'say hi')), reply('Said hi')] },
  {
    name: 'sub-legacy-review',
    match: 'SUB-LEGACY-REVIEW',
    // Refused by those releases ("No such tool available: Task"): no nesting before 2.1.
    steps: [say(task({ description: 'Nested look', prompt: 'SUB-LEGACY-NESTED look', subagent_type: 'general-purpose' })), reply('Reviewed: fine')],
  },
  { name: 'sub-legacy-again', match: 'SUB-LEGACY-AGAIN', steps: [say(bash('echo again', 'again')), reply('Looked again')] },
];

/** Two agents at once; the second tries to launch one of its own. */
export const legacyFanout: Scenario = {
  name: 'legacy-fanout',
  prompt: 'RUN-LEGACY-FANOUT go',
  agents: [CUSTOM_AGENTS[0]!],
  scripts: [
    {
      name: 'main-legacy-fanout',
      match: 'RUN-LEGACY-FANOUT',
      steps: [
        say(
          text('Delegating.'),
          task({ description: 'Say hi', prompt: 'SUB-LEGACY-HI please say hi', subagent_type: 'general-purpose' }),
          task({ description: 'Review code', prompt: 'SUB-LEGACY-REVIEW review please', subagent_type: 'code-review-specialist' }),
        ),
        reply('All done.'),
      ],
    },
    ...legacySubagents,
  ],
};

/** One agent; then, run again with `--resume <session> -p <resumePrompt>`, a second one. */
export const legacyResumed: Scenario & { resumePrompt: string } = {
  name: 'legacy-resumed',
  prompt: 'RUN-LEGACY-RESUMED go',
  resumePrompt: 'RUN-LEGACY-RESUMED more',
  scripts: [
    {
      name: 'main-legacy-resumed',
      match: 'RUN-LEGACY-RESUMED',
      steps: [
        say(text('Delegating.'), task({ description: 'Say hi', prompt: 'SUB-LEGACY-HI please say hi', subagent_type: 'general-purpose' })),
        reply('First done.'),
        say(task({ description: 'Look again', prompt: 'SUB-LEGACY-AGAIN look again', subagent_type: 'general-purpose' })),
        reply('Second done.'),
      ],
    },
    ...legacySubagents,
  ],
};

export const LEGACY_SCRIPTS: ConversationScript[] = [...legacyFanout.scripts, legacyResumed.scripts[0]!];
