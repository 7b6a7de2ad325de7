import { createConfig } from '@streamweave/lint-config';

export default createConfig({ browserSafe: true });
