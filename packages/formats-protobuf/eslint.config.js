import { createConfig } from '@streamweave/lint-config';

// The transformers must run in a browser (no Node built-ins); only the Node entry
// (src/node.ts, src/node/) and test code may use them.
const boundaries = [
  { group: ['@streamweave/*/internal/*', '@streamweave/*/src/*'], message: 'Import other packages through their public entry point only.' },
  { group: ['./index.js', '../index.js', '../../index.js'], message: 'Files inside a package never import their own index.' },
];

export default [
  ...createConfig({ browserSafe: true }),
  {
    files: ['src/node.ts', 'src/node/**/*.ts', 'src/test-support/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: boundaries }] },
  },
  {
    files: ['**/*.spec.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
];
