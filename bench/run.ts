import { readdirSync } from 'node:fs';
import { join } from 'node:path';

// `npm run bench`: runs every bench/*.bench.ts in turn (or those named on the
// command line). Each one measures its own baseline in the same run and prints
// ratios against it, so figures compare across machines and loads.

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const files = readdirSync(__dirname)
    .filter((name) => name.endsWith('.bench.ts'))
    .filter((name) => only.length === 0 || only.some((o) => name.startsWith(o)))
    .sort();
  for (const file of files) {
    const bench = (await import(join(__dirname, file))) as { run: () => Promise<void> };
    console.log(`\n## ${file.replace('.bench.ts', '')}`);
    await bench.run();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
