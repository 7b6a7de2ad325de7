import { createConfig } from '@streamweave/lint-config';

// The main entry must run in a browser; only the `./node` entry (src/node.ts and
// src/platform/node/) may use Node built-ins.
export default createConfig({ browserSafe: true, nodeOnly: ['src/node.ts', 'src/platform/node/**'] });
