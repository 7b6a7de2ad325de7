/**
 * Shared ESLint flat config for StreamWeave packages.
 *
 * `browserSafe: true` forbids Node built-ins, for packages that must run in a browser
 * (core, testing, windowing, state's memory backend, the light formats, sql), except in
 * `nodeOnly` files (default: `src/node.ts` and `src/platform/node/`), which only the
 * package's `./node` export condition reaches.
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises', 'http', 'http2',
  'https', 'net', 'os', 'path', 'perf_hooks', 'process', 'readline', 'stream', 'stream/promises', 'timers', 'tls', 'url',
  'util', 'v8', 'vm', 'worker_threads', 'zlib',
];

/** @param {{ browserSafe?: boolean, nodeOnly?: string[] }} [options] */
export function createConfig(options = {}) {
  const nodeOnly = options.nodeOnly ?? ['src/node.ts', 'src/platform/node/**/*.ts'];
  const restricted = [
    { group: ['@streamweave/*/internal/*', '@streamweave/*/src/*'], message: 'Import other packages through their public entry point only.' },
    { group: ['./index.js', '../index.js', '../../index.js'], message: 'Files inside a package never import their own index.' },
  ];
  const withoutBuiltins = [...restricted];
  if (options.browserSafe) {
    restricted.push({ group: ['node:*', ...nodeBuiltins], message: 'This package must run in a browser: no Node built-ins.' });
  }
  return tseslint.config(
    { ignores: ['dist/**', 'coverage/**', '**/*.test-d.ts'] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
      rules: {
        'no-restricted-imports': ['error', { patterns: restricted }],
        '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
        '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
        '@typescript-eslint/no-explicit-any': 'error',
        'no-constant-condition': ['error', { checkLoops: false }],
      },
    },
    {
      files: ['**/index.ts'],
      rules: {
        'no-restricted-syntax': ['error', { selector: 'ExportAllDeclaration', message: 'index.ts holds explicit named re-exports only.' }],
      },
    },
    ...(options.browserSafe ? [{ files: nodeOnly, rules: { 'no-restricted-imports': ['error', { patterns: withoutBuiltins }] } }] : []),
    {
      files: ['**/*.spec.ts', '**/test-support/**/*.ts'],
      rules: { '@typescript-eslint/no-non-null-assertion': 'off', 'no-restricted-imports': 'off' },
    },
  );
}
