// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'readline',
  'stream',
  'timers',
  'tls',
  'url',
  'util',
  'v8',
  'vm',
  'worker_threads',
  'zlib',
];

/**
 * Rules for workflow code, which runs in Temporal's deterministic sandbox: no Node built-ins, no
 * timers, no process; `patterns` restrict the imports that would bring side effects in.
 * @param {{ group: string[]; allowTypeImports: boolean; message: string }[]} patterns
 * @returns {import('eslint').Linter.RulesRecord}
 */
function workflowRules(patterns) {
  return {
    'no-restricted-imports': [
      'error',
      {
        paths: nodeBuiltins.flatMap((name) => [
          { name, message: 'Workflow code must be deterministic: no Node built-ins.' },
          { name: `node:${name}`, message: 'Workflow code must be deterministic: no Node built-ins.' },
        ]),
        patterns,
      },
    ],
    'no-restricted-globals': [
      'error',
      { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
      { name: 'setInterval', message: 'Use sleep() from @temporalio/workflow.' },
      { name: 'process', message: 'No process access in workflow code.' },
    ],
  };
}

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.data/', 'coverage/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.mjs', 'scripts/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's describe/it return promises the runner itself awaits.
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O.
    files: ['workflows/**/*.ts'],
    rules: workflowRules([
      {
        group: ['../activities/*', '../activities'],
        allowTypeImports: true,
        message: 'Import activities as types only.',
      },
      {
        group: ['../src/*', '../src/**'],
        allowTypeImports: true,
        message: 'Workflow code may import only types from src/.',
      },
    ]),
  },
  {
    // A job type's own workflows (examples/<name>/workflows/) run in the same sandbox; their
    // helpers come from workflows/public, as a user's come from durable-cron/workflow.
    files: ['examples/**/workflows/**/*.ts'],
    rules: workflowRules([
      {
        group: ['../activities/*', '../activities', '../inputs'],
        allowTypeImports: true,
        message: 'Import activities and inputs as types only.',
      },
      {
        group: [
          '../../../src',
          '../../../src/*',
          '../../../src/**',
          '../../../activities',
          '../../../activities/*',
        ],
        allowTypeImports: true,
        message:
          'Workflow code may import only types from src/ and activities/; helpers come from workflows/public.',
      },
      {
        group: ['../../../workflows/*', '!../../../workflows/public'],
        allowTypeImports: true,
        message: 'Import workflow helpers from workflows/public.',
      },
    ]),
  },
);
