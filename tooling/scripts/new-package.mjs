#!/usr/bin/env node
// Creates packages/<name> from tooling/template. Usage: node tooling/scripts/new-package.mjs <name> [--node]
import { cpSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const [name, ...flags] = process.argv.slice(2);
if (!name || !/^[a-z][a-z0-9-]*$/.test(name)) {
  console.error('usage: new-package.mjs <name> [--node]');
  process.exit(1);
}
const target = join(root, 'packages', name);
if (existsSync(target)) {
  console.error(`packages/${name} already exists`);
  process.exit(1);
}
cpSync(join(root, 'tooling', 'template'), target, { recursive: true });
const pkgPath = join(target, 'package.json');
const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
pkg.name = `@streamweave/${name}`;
delete pkg.private;
pkg.description = `TODO: describe @streamweave/${name}`;
writeFileSync(pkgPath, JSON.stringify(pkg, null, 2) + '\n');
for (const f of ['README.md', 'src/index.ts']) {
  const p = join(target, f);
  writeFileSync(p, readFileSync(p, 'utf8').replaceAll('NAME', name));
}
if (flags.includes('--node')) {
  for (const f of ['tsconfig.json', 'tsconfig.build.json']) {
    const p = join(target, f);
    const json = JSON.parse(readFileSync(p, 'utf8'));
    json.extends = '@streamweave/tsconfig/node.json';
    json.compilerOptions.types = f === 'tsconfig.json' ? ['node', 'jest'] : ['node'];
    writeFileSync(p, JSON.stringify(json, null, 2) + '\n');
  }
  writeFileSync(join(target, 'eslint.config.js'), "import { createConfig } from '@streamweave/lint-config';\n\nexport default createConfig({ browserSafe: false });\n");
}
console.log(`created packages/${name}; run pnpm install, write the description and README`);
