/**
 * Shared jest configuration for every StreamWeave package.
 *
 * Tests run on TypeScript source (no build first): swc strips types and emits
 * CommonJS, and workspace packages resolve through the `@streamweave/source`
 * export condition, which points at `src/index.ts`.
 */
const path = require('node:path');

/** @param {string} packageDir @param {{ coverageThreshold?: number, testTimeout?: number }} [options] */
function createConfig(packageDir, options = {}) {
  const threshold = options.coverageThreshold ?? 90;
  return {
    rootDir: packageDir,
    testEnvironment: 'node',
    testEnvironmentOptions: {
      customExportConditions: ['@streamweave/source', 'node', 'node-addons'],
    },
    testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
    transform: {
      '^.+\\.(t|j)sx?$': [
        require.resolve('@swc/jest'),
        {
          jsc: {
            parser: { syntax: 'typescript', tsx: false },
            target: 'es2022',
            keepClassNames: true,
          },
          module: { type: 'commonjs' },
          sourceMaps: 'inline',
        },
      ],
    },
    moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
    collectCoverageFrom: [
      '<rootDir>/src/**/*.ts',
      '!<rootDir>/src/**/*.spec.ts',
      '!<rootDir>/src/**/*.test-d.ts',
      '!<rootDir>/src/**/index.ts',
      '!<rootDir>/src/test-support/**',
    ],
    coverageReporters: ['text-summary', 'json-summary'],
    coverageDirectory: path.join(packageDir, 'coverage'),
    coverageThreshold: {
      global: { lines: threshold, statements: threshold, functions: threshold, branches: Math.min(threshold, 80) },
    },
    reporters: ['default', require.resolve('./resultsReporter.cjs')],
    testTimeout: options.testTimeout ?? 20000,
    maxWorkers: 1,
  };
}

module.exports = { createConfig };
