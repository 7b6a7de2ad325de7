#!/usr/bin/env node
/**
 * The repository's test command (`pnpm test`): every check CI relies on, in one run.
 *   1. typecheck (including *.test-d.ts type tests) and lint, every package
 *   2. unit + integration tests with coverage, every package (each fails under 90%)
 *   3. import rules: no cycles, no deep imports across packages, no Node built-ins in browser packages
 *   4. build, then the public API reports (API Extractor: fails when a packages/<name>/etc/*.api.md differs from the
 *      build; `pnpm api:report` rewrites them) and the published shape of every package (publint, are-the-types-wrong)
 *   5. every example under examples/
 * It ends with one line "tests: N passed, N failed" and exits non-zero if any step failed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const skipSteps = new Set((process.env.STREAMWEAVE_SKIP_STEPS ?? '').split(',').filter(Boolean));
const failures = [];

function step(name, cmd, args, options = {}) {
  if (skipSteps.has(name)) {
    console.log(`\n== ${name}: skipped (STREAMWEAVE_SKIP_STEPS)`);
    return true;
  }
  console.log(`\n== ${name}: ${cmd} ${args.join(' ')}`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env, ...options });
  const ok = r.status === 0;
  console.log(`== ${name}: ${ok ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  if (!ok) failures.push(name);
  return ok;
}

const packages = readdirSync(join(root, 'packages'))
  .filter((d) => existsSync(join(root, 'packages', d, 'package.json')))
  .map((d) => ({ dir: join(root, 'packages', d), pkg: JSON.parse(readFileSync(join(root, 'packages', d, 'package.json'), 'utf8')) }));

step('typecheck', 'pnpm', ['exec', 'turbo', 'run', 'typecheck', '--concurrency=2', '--continue', '--output-logs=errors-only']);
step('lint', 'pnpm', ['exec', 'turbo', 'run', 'lint', '--concurrency=2', '--continue', '--output-logs=errors-only']);
for (const { dir } of packages) rmSync(join(dir, 'coverage'), { recursive: true, force: true });
step('test', 'pnpm', ['exec', 'turbo', 'run', 'test', '--concurrency=1', '--continue']);
step('import rules', 'pnpm', ['exec', 'depcruise', 'packages', '--config', '.dependency-cruiser.cjs']);
if (step('build', 'pnpm', ['exec', 'turbo', 'run', 'build', '--concurrency=2', '--continue', '--output-logs=errors-only'])) {
  step('api report', 'node', ['tooling/scripts/api-report.mjs', '--no-build']);
  const packDir = mkdtempSync(join(tmpdir(), 'streamweave-pack-'));
  for (const { dir, pkg } of packages.filter((p) => !p.pkg.private)) {
    step(`publint ${pkg.name}`, 'pnpm', ['exec', 'publint', '--strict', dir], { stdio: ['ignore', 'inherit', 'inherit'] });
    const packed = spawnSync('pnpm', ['pack', '--pack-destination', packDir], { cwd: dir, encoding: 'utf8' });
    const tarball = (packed.stdout ?? '').trim().split('\n').pop();
    if (packed.status !== 0 || !tarball) {
      failures.push(`pack ${pkg.name}`);
      console.log(packed.stdout, packed.stderr);
      continue;
    }
    // ESM-only packages: the CommonJS require() resolution is not expected to work.
    step(`attw ${pkg.name}`, 'pnpm', ['exec', 'attw', '--profile', 'esm-only', '--format', 'table-flipped', tarball]);
  }
  rmSync(packDir, { recursive: true, force: true });
}
step('examples', 'node', ['tooling/scripts/run-examples.mjs']);

// Totals and coverage, per package.
let passed = 0;
let failed = 0;
console.log('\n== coverage (lines / statements / functions / branches) and tests per package');
for (const { dir, pkg } of packages) {
  const resultsFile = join(dir, 'coverage', 'jest-results.json');
  const summaryFile = join(dir, 'coverage', 'coverage-summary.json');
  if (!existsSync(resultsFile)) {
    console.log(`  ${pkg.name.padEnd(34)} no test results`);
    if (!skipSteps.has('test')) failures.push(`no test results for ${pkg.name}`);
    continue;
  }
  const r = JSON.parse(readFileSync(resultsFile, 'utf8'));
  passed += r.passed;
  failed += r.failed + r.suitesFailed;
  let cov = '';
  if (existsSync(summaryFile)) {
    const t = JSON.parse(readFileSync(summaryFile, 'utf8')).total;
    cov = [t.lines, t.statements, t.functions, t.branches].map((m) => `${m.pct.toFixed(1)}%`).join(' / ');
  }
  console.log(`  ${pkg.name.padEnd(34)} ${cov.padEnd(34)} ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}`);
}
if (failures.length > 0) console.log(`\nfailed steps: ${failures.join(', ')}`);
console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(failures.length === 0 && failed === 0 ? 0 : 1);
