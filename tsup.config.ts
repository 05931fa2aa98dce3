import { defineConfig } from 'tsup';
import { dashboardAssets } from './scripts/dashboard-assets';

// Two CommonJS bundles with every dependency inlined:
// - hook.cjs is what Claude Code starts for every subagent event. CommonJS loads
//   ~9 ms faster than ESM on Node 20 and the bundle holds only the capture path
//   (zod/mini, no commander), so a hook costs little more than a bare `node`.
// - cli.cjs is every interactive command, the dashboard page's script and
//   stylesheet included as strings (see scripts/dashboard-assets.ts).
export default defineConfig({
  entry: { hook: 'src/hook-main.ts', cli: 'src/cli.ts' },
  format: ['cjs'],
  outExtension: () => ({ js: '.cjs' }),
  platform: 'node',
  target: 'node20',
  noExternal: [/.*/],
  splitting: false,
  sourcemap: false,
  minify: false,
  clean: true,
  treeshake: true,
  esbuildPlugins: [dashboardAssets()],
});
