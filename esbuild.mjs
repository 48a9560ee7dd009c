// The whole build from one script. `vscode` stays external (the editor provides it); minified
// only for production (`--production`); `--watch` rebuilds on change; `--outdir=DIR` builds
// into DIR instead of dist/ (the tests check a production build there).
//
// The heavy modules the proxy loads lazily (the o200k tokenizer tables, the OpenAI SDK, the
// Anthropic SDK for the self-tests) are bundled into files of their own next to the entry points:
// in one bundle they would still be parsed when the extension activates, even though their code
// runs only on first use.
import { existsSync } from 'node:fs';
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const outdir = process.argv.find((arg) => arg.startsWith('--outdir='))?.slice('--outdir='.length) ?? 'dist';

const lazyModules = {
  'gpt-tokenizer/encoding/o200k_base': 'lazy-o200k-tokenizer.js',
  openai: 'lazy-openai.js',
  '@anthropic-ai/sdk': 'lazy-anthropic-sdk.js',
};

/** Resolves the lazy modules to the sibling files built below, loaded with require() at run time. */
const lazyModulesPlugin = {
  name: 'lazy-modules',
  setup(build) {
    const names = Object.keys(lazyModules).map((name) => name.replace(/[/.@-]/g, '\\$&'));
    build.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, (args) => ({ path: `./${lazyModules[args.path]}`, external: true }));
  },
};

/**
 * zod re-exports every locale it ships (`export * as locales`): about 360 KB of translated error
 * messages, parsed at start-up and ~7 MB of RSS. The schemas use `zod/mini` through
 * `import * as z`, which esbuild shakes down to what they call, locales included, and
 * src/zod-english.ts imports the English messages alone. The classic `zod` entry, which no bundler
 * can shake, is no longer imported: should it come back, this keeps its locale index empty.
 */
const zodWithoutLocalesPlugin = {
  name: 'zod-without-locales',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer) ? { path: 'zod-locales', namespace: 'empty-module' } : undefined);
    build.onLoad({ filter: /.*/, namespace: 'empty-module' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

const shared = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  legalComments: 'none',
  logLevel: 'warning',
  // import() of the lazy files becomes require(), which keeps their CommonJS default export.
  supported: { 'dynamic-import': false },
};

const builds = [
  { ...shared, entryPoints: ['src/cli.ts'], outfile: `${outdir}/cli.js`, plugins: [lazyModulesPlugin, zodWithoutLocalesPlugin] },
  { ...shared, entryPoints: ['src/extension/extension.ts'], outfile: `${outdir}/extension.js`, external: ['vscode'], plugins: [lazyModulesPlugin, zodWithoutLocalesPlugin] },
  // The SDK's User-Agent is `${this.constructor.name}/JS <version>`: minified, its class name
  // would be a letter ("x/JS 6.49.0"). keepNames costs this file 9 KB (+6%) and its first load
  // about 1.5 ms; the other files do not need it.
  ...Object.entries(lazyModules).map(([module, file]) => ({ ...shared, sourcemap: false, keepNames: module === 'openai', entryPoints: [module], outfile: `${outdir}/${file}` })),
].filter((options) => !options.entryPoints[0].startsWith('src/') || existsSync(options.entryPoints[0]));

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
