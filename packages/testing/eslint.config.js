import { createConfig } from '@streamweave/lint-config';

export default [
  ...createConfig({ browserSafe: true }),
  // Node-only code lives under src/platform/node and is reached only through the `./node` export condition.
  {
    files: ['src/platform/node/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@streamweave/*/internal/*', '@streamweave/*/src/*'], message: 'Import other packages through their public entry point only.' }] },
      ],
    },
  },
];
