/**
 * Import rules checked in CI: no cycles anywhere, packages reach each other only
 * through public entry points, and browser-safe packages use no Node built-ins
 * (outside their src/platform/node folders).
 */
const browserSafe = ['core', 'testing', 'windowing', 'formats', 'sql'];
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'no-deep-imports-across-packages',
      comment: 'Import another package through its public entry point (@streamweave/x), never a path inside it.',
      severity: 'error',
      from: { path: '^packages/([^/]+)/' },
      to: { path: '^packages/([^/]+)/', pathNot: ['^packages/$1/', '^packages/[^/]+/src/index\\.ts$', '^packages/[^/]+/src/platform/node/index\\.ts$', '^packages/[^/]+/src/node\\.ts$'] },
    },
    {
      name: 'no-node-builtins-in-browser-packages',
      severity: 'error',
      from: { path: `^packages/(${browserSafe.join('|')})/src/`, pathNot: ['/platform/node/', '\\.spec\\.ts$', '/test-support/', '\\.test-d\\.ts$'] },
      to: { dependencyTypes: ['core'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['node_modules', '/dist/', '/coverage/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.depcruise.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['@streamweave/source', 'import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
