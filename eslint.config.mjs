// ESLint for the TypeScript sources, the tests, the benchmark and the build scripts: ESLint's
// recommended rules and typescript-eslint's recommendedTypeChecked, with type information from
// tsconfig.json through the project service. `npm run lint`; `npm test` runs it (without filters).
// A rule is turned off or adjusted here, with its reason, rather than disabled line by line.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  // Build output, test and benchmark artefacts, recorded fixtures. media/ holds the icon and the
  // dashboard's browser scripts, which run in the webview, not in Node: not linted here.
  globalIgnores(['dist/', 'out/', '.vscode-test/', '.test-artifacts/', '.bench/', '.captures/', 'media/', 'test/fixtures/']),
  {
    files: ['**/*.ts', '**/*.mjs', '**/*.cjs'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: {
      globals: globals.node,
      parserOptions: {
        // The .mjs/.cjs scripts are in tsconfig.json too (allowJs, without checkJs: tsc does not
        // report on them, ESLint gets their types), so no file needs the default project.
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // `_`-prefixed names are unused on purpose (a destructured property left out of a rest, a
      // callback parameter kept for its position); anything else unused is dead code.
      '@typescript-eslint/no-unused-vars': ['error', {
        argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true,
      }],
      // Re-rejecting a caught error or an AbortSignal's reason passes on a value of type `unknown`
      // unchanged, as fetch does (src/proxy/transport); a literal or a non-Error object is still flagged.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      // node:test's test() and describe() return promises that the runner itself awaits.
      '@typescript-eslint/no-floating-promises': ['error', {
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }],
      }],
    },
  },
  {
    files: ['test/**/*.ts'],
    // Tests read parsed JSON bodies and SSE events as `any` and check them with assertions; typing
    // every body would restate the API types the assertions are there to check.
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs'],
    // Plain JavaScript has no type annotations: every JSON.parse result and untyped parameter is
    // `any`, so the no-unsafe-* rules would flag each use of one.
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.cjs'],
    // CommonJS files load their dependencies with require().
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
