import { copyFileSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';
import type { Plugin } from 'esbuild';
import { dashboardAssets } from './scripts/dashboard-assets';

// Three CommonJS bundles with every dependency inlined:
// - hook.cjs is what Claude Code starts for every subagent event. CommonJS loads
//   ~9 ms faster than ESM on Node 20 and the bundle holds only the capture path
//   (zod/mini, no commander), so a hook costs little more than a bare `node`.
//   Minified: half the bytes to read and to load from the code cache. (Not
//   keepNames: its helper runs for every function at load, ~2 ms.)
// - cli.cjs is every interactive command, the dashboard page's script and
//   stylesheet included as strings (see scripts/dashboard-assets.ts).
const common: Options = {
  format: ['cjs'],
  outExtension: () => ({ js: '.cjs' }),
  platform: 'node',
  target: 'node20',
  noExternal: [/.*/],
  splitting: false,
  sourcemap: false,
  treeshake: true,
};

// What the small bundles (hook, statusline) load from a file beside them, only
// when a process needs it, instead of carrying it:
// - re2js (linear-time regexes for configured patterns, src/schema/pattern.ts) is
//   147 KB minified, twice the rest of the hook; needed only when a config names a pattern;
// - the carried secret rules (src/capture/secret-rules.json, gitleaks' formats) are
//   38 KB of data, a third of the hook; needed only when there is text to scrub (most
//   hook processes have none). The CLI bundle carries them inline.
function beside(name: string, filter: RegExp, file: string): Plugin {
  return {
    name,
    setup(build) {
      build.onResolve({ filter }, () => ({ path: file, external: true }));
    },
  };
}
const re2jsBeside = beside('re2js-beside', /^re2js$/, './re2js.cjs');
const secretRulesBeside = beside('secret-rules-beside', /(^|\/)secret-rules\.json$/, './secret-rules.json');
// The statusline's records-and-rollups path (src/live/records-fallback.ts, with the
// rollup and record schemas under it): needed only for a day whose completion
// lines do not stand for its records, so the statusline loads it from beside.
const recordsFallbackBeside = beside('records-fallback-beside', /\/live\/records-fallback\.js$/, './statusline-fallback.cjs');
// OTLP/gRPC (src/export/grpc.ts, with grpc-js): its own bundle beside the CLI's,
// loaded only by an export whose protocol is grpc. Inlined, grpc-js would add
// about half again to cli.cjs, which every command loads (and the export workers too).
const grpcBeside: Plugin = {
  name: 'grpc-beside',
  setup(build) {
    build.onResolve({ filter: /^\.\/grpc\.js$/ }, (args) => (/[\\/]src[\\/]export[\\/]otlp\.ts$/.test(args.importer) ? { path: './export-grpc.cjs', external: true } : undefined));
  },
};
const copySecretRules = async () => copyFileSync('src/capture/secret-rules.json', 'dist/secret-rules.json');

export default defineConfig([
  { ...common, entry: { hook: 'src/hook-main.ts' }, minify: true, clean: false, esbuildPlugins: [re2jsBeside, secretRulesBeside], onSuccess: copySecretRules },
  { ...common, entry: { re2js: 'node_modules/re2js/build/index.cjs' }, minify: true, clean: false },
  // statusline-fast.cjs: the warm path of `agent-track statusline` (after every
  // message) and of the SessionStart alert hook (`hook --alerts`): prints the
  // line kept from the last time while nothing it was drawn from changed.
  // Loaded first, so small: no price list, budgets, config schema or capture code.
  { ...common, entry: { 'statusline-fast': 'src/statusline-fast.ts' }, minify: true, clean: false },
  // statusline.cjs: the statusline and the alert drawn afresh, when the warm
  // path has no kept line that holds; without commander or the CLI.
  {
    ...common,
    entry: { statusline: 'src/statusline-main.ts' },
    minify: true,
    clean: false,
    esbuildPlugins: [re2jsBeside, secretRulesBeside, recordsFallbackBeside],
  },
  { ...common, entry: { 'statusline-fallback': 'src/live/records-fallback.ts' }, minify: true, clean: false, esbuildPlugins: [re2jsBeside, secretRulesBeside] },
  {
    ...common,
    minify: false,
    clean: false,
    // export-worker.cjs: `agent-track export`'s encoding worker threads (src/export/lanes.ts), started from a file beside cli.cjs.
    entry: { cli: 'src/cli.ts', 'export-worker': 'src/export/worker.ts' },
    esbuildPlugins: [dashboardAssets(), grpcBeside],
    // bin/agent-track runs the bundle through vm.Script (for its code cache),
    // where a real import() throws ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING; the
    // OpenTelemetry exporters import('http') lazily. As require() they work.
    esbuildOptions(options) {
      options.supported = { ...options.supported, 'dynamic-import': false };
    },
  },
  // export-grpc.cjs: the OTLP/gRPC sender (see grpcBeside), with grpc-js left
  // to node_modules (a dependency): the official gRPC exporter's ESM build
  // requires grpc-js at run time, so one inlined copy beside that one would be a
  // second grpc-js, whose credentials the first refuses.
  {
    ...common,
    entry: { 'export-grpc': 'src/export/grpc.ts' },
    minify: true,
    clean: false,
    external: [/^@grpc\//],
    noExternal: [/^(?!@grpc\/).*/],
    esbuildOptions(options) {
      options.supported = { ...options.supported, 'dynamic-import': false };
    },
  },
]);
