// Bundles the extension-host test suite (test/vscode/suite) to out/vscode-suite/index.js:
// `vscode` is provided by the editor, mocha is loaded from node_modules, everything else
// (the fake OpenAI server included) goes into the bundle.
import * as esbuild from 'esbuild';

await esbuild.build({
  entryPoints: [new URL('./suite/index.ts', import.meta.url).pathname],
  outfile: new URL('../../out/vscode-suite/index.js', import.meta.url).pathname,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  external: ['vscode', 'mocha'],
  logLevel: 'warning',
});
