import { Command } from 'commander';
import { ROLLUP_WORKER_COMMAND, runRollupWorker } from '../rollup/workers.js';
import { UsageError } from './context.js';

/** Not for people: report and trends start it in worker threads to rebuild day rollups in parallel. */
export function rollupWorkerCommand(): Command {
  // Kept out of --help by cli.ts, which adds it with { hidden: true }.
  return new Command(ROLLUP_WORKER_COMMAND).description('(internal) rebuild day rollups in a worker thread').action(() => {
    try {
      runRollupWorker();
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  });
}
