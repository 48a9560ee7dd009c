// The whole build: two bundles from one script. `vscode` stays external (the editor provides
// it); minified only for production (`--production`); `--watch` rebuilds on change.
import { existsSync } from 'node:fs';
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const shared = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  legalComments: 'none',
  logLevel: 'info',
};

const builds = [
  { ...shared, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js' },
  { ...shared, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
].filter((options) => existsSync(options.entryPoints[0]));

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
