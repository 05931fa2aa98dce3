import { generateStore } from './store-generator.js';

// One writer of a sharded store generation: `node --import tsx bench/generate-shard.ts <logsDir> <json options>`.
const [logsDir, options] = process.argv.slice(2);
const written = generateStore(logsDir!, JSON.parse(options!));
process.stdout.write(`${written}\n`);
