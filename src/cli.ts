import { Command, CommanderError, Option } from 'commander';
import { join } from 'node:path';
import { UsageError, UserError } from './commands/context.js';
import { checkCommand } from './commands/check.js';
import { dashboardCommand } from './commands/dashboard.js';
import { demoCommand } from './commands/demo.js';
import { doctorCommand } from './commands/doctor.js';
import { exportCommand } from './commands/export.js';
import { importCommand } from './commands/import.js';
import { installCommand, uninstallCommand } from './commands/install.js';
import { pricesCommand } from './commands/prices.js';
import { pruneCommand } from './commands/prune.js';
import { reportCommand } from './commands/report.js';
import { rollupWorkerCommand } from './commands/rollup-worker.js';
import { runsCommand } from './commands/runs.js';
import { showCommand } from './commands/show.js';
import { statusCommand } from './commands/status.js';
import { trendsCommand } from './commands/trends.js';
import { printable } from './render/sanitize.js';

// Commander wiring only: each subcommand lives in src/commands/<name>.ts,
// exports a function returning its Command, and sets process.exitCode; errors
// become one readable line here, in one place. Exit codes: 0 ok, 1 failure,
// 2 usage error (unknown flag, bad value).

const program = new Command('agent-track')
  .description('Make Claude Code subagents measurable: one record per subagent run, reports, trends, retention.')
  .version(require('../package.json').version as string)
  .addOption(new Option('--logs-dir <dir>', 'execution logs folder (default: <project>/.claude/execution-logs)').env('AGENT_TRACK_LOGS_DIR'))
  .addOption(new Option('--project <name>', "another project's logs folder, by its path or folder name (see `agent-track report --all-projects`)"))
  .addOption(new Option('--config <file>', 'config file (default: agent-track.json beside the logs folder)').env('AGENT_TRACK_CONFIG'))
  .showHelpAfterError('(run with --help for usage)')
  // Commander's own errors (unknown flag, conflicting flags) read like ours: "agent-track: ...".
  .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'agent-track: ')) })
  .exitOverride();

// `hook`, `hook --alerts` and `statusline` never reach this bundle: bin/agent-track runs
// their own small bundles. They are declared here so that --help and `help <command>` list them.
program
  .command('hook')
  .description('handle one Claude Code hook payload from stdin (what the installed hooks run)')
  .option('--alerts', 'the SessionStart alert: a budget spent or near, or an agent failing (install --alerts)')
  .allowUnknownOption()
  .action(() => {
    require(join(__dirname, 'hook.cjs'));
  });

program
  .command('statusline')
  .description("print one line for Claude Code's statusLine setting from its session JSON on stdin: running subagents, today's cost, alerts (install --statusline)")
  .allowUnknownOption()
  .allowExcessArguments()
  .action(() => {
    const raw = require(join(__dirname, 'statusline-fast.cjs')).warmStatusline();
    if (raw !== null) require(join(__dirname, 'statusline.cjs')).drawStatusline(raw);
  });

const commands: Command[] = [
  demoCommand(),
  installCommand(),
  uninstallCommand(),
  doctorCommand(),
  importCommand(),
  reportCommand(),
  trendsCommand(),
  statusCommand(),
  runsCommand(),
  showCommand(),
  checkCommand(),
  dashboardCommand(),
  pricesCommand(),
  pruneCommand(),
  exportCommand(),
];
// Not for people: report and trends start it in worker threads.
const hidden: Command[] = [rollupWorkerCommand()];

for (const command of [...commands, ...hidden]) {
  command.copyInheritedSettings(program);
  program.addCommand(command, { hidden: hidden.includes(command) });
}

// `agent-track report | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

async function main(): Promise<number> {
  try {
    await program.parseAsync(process.argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end up here too, with exit code 0.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`agent-track: ${printable(error.message, { lines: true })}\n(run with --help for usage)\n`);
      return 2;
    }
    if (error instanceof UserError) {
      process.stderr.write(`agent-track: ${printable(error.message, { lines: true })}\n`);
      return 1;
    }
    process.stderr.write(`agent-track: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}

void main().then((code) => {
  process.exitCode = code;
});
