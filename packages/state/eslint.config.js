import { createConfig } from '@streamweave/lint-config';

// The main entry must run in a browser; only the `./node` entry (src/node.ts and
// src/platform/node/) may use Node built-ins.
const nodeOnly = ['src/node.ts', 'src/platform/node/**'];
export default [
  ...createConfig({ browserSafe: true }).map((c) => (c.files ? c : { ...c, ignores: [...(c.ignores ?? []), ...(c.rules?.['no-restricted-imports'] ? nodeOnly : [])] })),
  ...createConfig({ browserSafe: false }).filter((c) => c.rules?.['no-restricted-imports']).map((c) => ({ ...c, files: nodeOnly })),
];
