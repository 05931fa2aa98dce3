import { plural } from '../analytics/format.js';
import { Command, Option } from 'commander';
import { alertsOf } from '../analytics/alerts.js';
import type { CheckOutput } from '../schema/check.js';
import { createContext, type GlobalOptions } from './context.js';
import { Warnings } from '../render/warnings.js';
import { collectStatus } from './reporting.js';

// `agent-track check`, for CI and cron: exit 0 when all is well, 1 when a
// budget is spent or an agent's health is failed, with the reasons. Budgets
// past their warning share are printed and do not fail the check.

interface CheckOptions extends GlobalOptions {
  json?: boolean;
  quiet?: boolean;
}

export function checkCommand(): Command {
  return new Command('check')
    .description('exit 1 when a budget is spent or an agent is failing, 0 otherwise (for CI and cron); prints the reasons')
    .option('--json', 'print the result as JSON (ok, problems, warnings, budgets)')
    .addOption(new Option('--quiet', 'print nothing; the exit code says it all').conflicts('json'))
    .action(async (_options: unknown, command: Command) => {
      process.exitCode = await runCheck(command.optsWithGlobals<CheckOptions>());
    });
}

async function runCheck(options: CheckOptions): Promise<number> {
  const ctx = createContext(options);
  const warnings = new Warnings();
  const { status } = await collectStatus(ctx, warnings);
  const alerts = alertsOf(status.budgets, status.agentHealth);
  const out: CheckOutput = {
    schemaVersion: 1,
    kind: 'agent-track/check',
    generatedAt: status.generatedAt,
    ok: alerts.problems.length === 0,
    problems: alerts.problems,
    warnings: alerts.warnings,
    budgets: status.budgets,
  };
  if (options.json) ctx.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  else if (!options.quiet) {
    const lines = [...out.problems.map((p) => `FAIL  ${p.text}`), ...out.warnings.map((w) => `WARN  ${w.text}`)];
    if (out.ok) lines.push(`ok: no budget spent, no agent failing (${plural(status.budgets.length, 'budget')} checked)`);
    ctx.stdout.write(`${lines.join('\n')}\n`);
  }
  if (!options.quiet) warnings.flush(ctx.stderr);
  return out.ok ? 0 : 1;
}
