#!/usr/bin/env node
// Runs every examples/*.ts on source (no build), one at a time, each with a time limit.
// An example fails the run when it exits non-zero or prints nothing.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = join(root, 'examples');
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
let failed = 0;
for (const f of files) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--conditions=@streamweave/source', '--import', 'tsx', join(dir, f)], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, STREAMWEAVE_EXAMPLE: '1' },
  });
  const ok = r.status === 0 && (r.stdout ?? '').trim().length > 0;
  console.log(`${ok ? 'ok  ' : 'FAIL'} examples/${f} (${Date.now() - t0} ms)`);
  if (!ok) {
    failed++;
    console.log((r.stdout ?? '').split('\n').slice(-20).join('\n'));
    console.log((r.stderr ?? '').split('\n').slice(-40).join('\n'));
    if (r.error) console.log(String(r.error));
  }
}
console.log(`examples: ${files.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
