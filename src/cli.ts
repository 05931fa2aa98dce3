import { Command } from 'commander';

const program = new Command('agent-track');
program.command('hook').description('Handle one Claude Code hook payload on stdin (used by the installed hooks)').action(() => {
  require('./hook-main.js');
});
program.parse();
