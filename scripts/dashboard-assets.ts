import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';

// The dashboard's browser code lives in src/dashboard/client/ as ordinary
// TypeScript and CSS; the CLI carries it as strings inside dist/cli.cjs, so
// `agent-track dashboard` needs no file beside the bundle. This esbuild plugin
// (used by tsup.config.ts) resolves `import x from './main.ts?script'` to the
// script bundled as one readable, unminified IIFE, and `./style.css?text` to
// the file's text.

const ASSET = /\?(script|text)$/;

export function dashboardAssets(): Plugin {
  return {
    name: 'dashboard-assets',
    setup(esbuild) {
      // The query stays on the resolved path: tsup's own CSS handling would otherwise claim "style.css".
      esbuild.onResolve({ filter: ASSET }, (args) => ({ path: resolve(dirname(args.importer), args.path), namespace: 'dashboard-asset' }));
      esbuild.onLoad({ filter: ASSET, namespace: 'dashboard-asset' }, async (args) => {
        const [, file, kind] = /^(.*)\?(script|text)$/.exec(args.path)!;
        const text = kind === 'script' ? await bundleScript(file!) : await readFile(file!, 'utf8');
        return { contents: `export default ${JSON.stringify(text)};`, loader: 'js', watchFiles: [file!] };
      });
    },
  };
}

export async function bundleScript(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    charset: 'utf8',
    legalComments: 'none',
    minify: false,
    metafile: false,
  });
  return result.outputFiles[0]!.text;
}
