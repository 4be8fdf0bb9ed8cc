// Flat config: typescript-eslint's recommended rules over the whole project.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Size limits (issue 23): no file over 400 lines, no function over 80 (outside tests), counted as
// written (blank lines and comments too).
const SIZED = ['tasks.ts', 'tasks/**/*.ts', 'validation/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '.tools/',
      '.platform/',
      'services/',
      'coverage/',
      'bench/results/',
      '**/node_modules/',
      '**/dist/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Plain-JS scripts (the recording stand-ins) run on Node: declare its globals.
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
      },
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
            {
              // A node names what it needs by seed id (tasks/phase0/define.ts); a probe two tasks
              // use lives in validation/lib/, never in a sibling task's folder. phase0/index.ts
              // imports every folder, so importing it is importing them all.
              group: ['../[0-9][0-9]-*/**', '**/phase0/[0-9][0-9]-*/**', '../index.ts', '**/phase0/index.ts'],
              message:
                'no task folder imports another: name a node in `needs` by its id, move a shared probe to validation/lib/',
            },
          ],
        },
      ],
    },
  },
  {
    // bench/ and scripts/ measure and generate through the same contract: a target's internals stay
    // in its folder (phase-0 checks import bench/, so a path through it would bypass the rule above).
    files: ['bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/targets/*/**'],
              message:
                'bench/ and scripts/ see a target through tasks/targets/target.ts and index.ts, not its internals',
            },
          ],
        },
      ],
    },
  },
  {
    files: SIZED,
    rules: {
      'max-lines': ['error', { max: 400, skipBlankLines: false, skipComments: false }],
      'max-lines-per-function': [
        'error',
        { max: 80, skipBlankLines: false, skipComments: false, IIFEs: true },
      ],
    },
  },
);
