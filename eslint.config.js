// Flat config: typescript-eslint's recommended rules over the whole project.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.tools/', '.platform/', 'services/', 'coverage/', 'bench/results/', '**/node_modules/', '**/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Plain-JS scripts (the recording stand-ins) run on Node: declare its globals.
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly', URL: 'readonly' },
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Layering (docs/developer-guide/architecture-overview.md): nodes and shared checks see a target
    // only through the contract in tasks/targets/target.ts (endpoints, components, their facts()
    // and checks()); what is specific to k3d, compose or native stays in its folder.
    files: ['tasks/phase0/**/*.ts', 'validation/**/*.ts'],
    // Not yet moved behind the contract (the re-cut's next step): the native trace-sink lookup
    // and the native demo/supervisor facts of 0-13.
    ignores: ['tasks/phase0/06-traces/checks.ts', 'tasks/phase0/13-e2e-validation/checks.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/targets/*/**', '**/targets/index.ts'],
              message:
                "a node or shared check imports only tasks/targets/target.ts: ask the component (facts(), checks()) instead of a target's internals",
            },
          ],
        },
      ],
    },
  },
);
