#!/usr/bin/env node
/**
 * API reports (STYLE.md: "Public API changes are visible in review").
 *
 * For every published package (packages/*, not private) and every entry of its exports map that has "types"
 * (".", "./node", ...), API Extractor reads the BUILT d.ts and writes packages/<dir>/etc/<dir>[-<entry>].api.md
 * (".": core.api.md, "./node": core-node.api.md). Config: tooling/api-extractor/api-extractor.json.
 *
 *   node tooling/scripts/api-report.mjs --update   build (turbo, cached), then rewrite the reports (pnpm api:report)
 *   node tooling/scripts/api-report.mjs            build, then fail if a committed report differs (the check)
 *   options: --no-build (the dist must be fresh; check-all runs this after its build step),
 *            --verbose (every warning, API Extractor's own messages), package dirs or names to limit the run.
 *
 * Missing TSDoc (ae-undocumented), types used but not exported (ae-forgotten-export) and TSDoc syntax are
 * printed as warnings in the summary; they never fail the run and are never written into a report.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CompilerState, Extractor, ExtractorConfig, ExtractorLogLevel, ExtractorMessageCategory } from '@microsoft/api-extractor';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const configFile = join(root, 'tooling', 'api-extractor', 'api-extractor.json');
const updateCommand = 'node tooling/scripts/api-report.mjs --update';

const args = process.argv.slice(2);
const update = args.includes('--update');
const build = !args.includes('--no-build');
const verbose = args.includes('--verbose');
const unknown = args.filter((a) => a.startsWith('--') && !['--update', '--no-build', '--verbose'].includes(a));
if (unknown.length > 0) {
  console.error(`api-report: unknown option ${unknown.join(' ')} (use --update, --no-build, --verbose, package names)`);
  process.exit(2);
}
const only = args.filter((a) => !a.startsWith('--')).map((a) => a.replace(/^@streamweave\//, '').replace(/^packages\//, '').replace(/\/$/, ''));

const t0 = Date.now();
const rel = (p) => relative(root, p).split('\\').join('/');
const errors = []; // strings; any error fails the run

// ---------------------------------------------------------------- packages and entries
/** First "types" path of an exports-map entry (top level or under a condition), or undefined. */
function typesOf(target) {
  if (target === null || typeof target !== 'object') return undefined;
  if (Array.isArray(target)) return target.map(typesOf).find(Boolean);
  if (typeof target.types === 'string') return target.types;
  for (const [condition, value] of Object.entries(target)) {
    if (condition === '@streamweave/source') continue; // the in-repo source condition, not the published types
    const found = typesOf(value);
    if (found) return found;
  }
  return undefined;
}

const allPackages = readdirSync(join(root, 'packages'))
  .sort()
  .filter((dir) => existsSync(join(root, 'packages', dir, 'package.json')))
  .map((dir) => {
    const folder = join(root, 'packages', dir);
    const packageJsonPath = join(folder, 'package.json');
    return { dir, folder, packageJsonPath, pkg: JSON.parse(readFileSync(packageJsonPath, 'utf8')), entries: [] };
  })
  .filter((p) => only.length === 0 || only.includes(p.dir));
const packages = allPackages.filter((p) => !p.pkg.private);
if (only.length > 0 && packages.length !== only.length) {
  const known = new Set(packages.map((p) => p.dir));
  console.error(`api-report: no published package ${only.filter((o) => !known.has(o)).join(', ')} under packages/`);
  process.exit(2);
}

for (const p of packages) {
  const exportsMap = p.pkg.exports && typeof p.pkg.exports === 'object' ? p.pkg.exports : { '.': { types: p.pkg.types } };
  p.entries = Object.entries(exportsMap)
    .filter(([subpath]) => subpath.startsWith('.') && !subpath.includes('*'))
    .map(([subpath, target]) => ({ subpath, types: typesOf(target) }))
    .filter((e) => e.types && /\.d\.[cm]?ts$/.test(e.types))
    .map(({ subpath, types }) => {
      const suffix = subpath === '.' ? '' : `-${subpath.replace(/^\.\//, '').replace(/[^A-Za-z0-9_.]+/g, '-')}`;
      const name = `${p.dir}${suffix}`;
      return {
        pkg: p,
        subpath,
        dts: join(p.folder, types),
        name,
        report: join(p.folder, 'etc', `${name}.api.md`),
        warnings: [],
        status: 'pending',
      };
    });
}
const entries = packages.flatMap((p) => p.entries);

// ---------------------------------------------------------------- build (turbo: cached, only what changed)
let buildFailed = false;
if (build && packages.length > 0) {
  const filters = packages.map((p) => `--filter=${p.pkg.name}`);
  // turbo needs the package manager on PATH: it is there under `pnpm <script>`; run directly, go through npx.
  const packageManager = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager ?? 'pnpm';
  const [cmd, ...pre] = spawnSync('pnpm', ['--version'], { stdio: 'ignore' }).status === 0 ? ['pnpm'] : ['npx', '--yes', packageManager];
  const turboArgs = [...pre, 'exec', 'turbo', 'run', 'build', ...filters, '--concurrency=2', '--continue', '--output-logs=errors-only'];
  console.log(`== api report: ${cmd} ${turboArgs.filter((a) => !a.startsWith('--filter')).join(' ')} (${packages.length} packages)`);
  const tb = Date.now();
  const r = spawnSync(cmd, turboArgs, {
    cwd: root,
    env: { ...process.env, npm_config_loglevel: process.env.npm_config_loglevel ?? 'error' }, // npx: no .npmrc chatter
    stdio: ['ignore', verbose ? 'inherit' : 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    buildFailed = true;
    if (!verbose) process.stdout.write(r.stdout ?? '');
    console.log(`== api report: build FAILED (exit ${r.status ?? r.signal}); reporting the packages whose dist is fresh`);
  } else {
    const cached = /Cached:\s+(\d+) cached, (\d+) total/.exec(r.stdout ?? '');
    console.log(`== api report: build ok in ${((Date.now() - tb) / 1000).toFixed(0)} s${cached ? ` (${cached[1]} of ${cached[2]} tasks cached)` : ''}`);
  }
}

// ---------------------------------------------------------------- is the dist fresh?
// After a turbo build that succeeded, turbo vouches for every dist. Otherwise (--no-build, or a package whose
// build failed) a d.ts older than the package's source would give a report of code that is not there.
const checkFreshness = !build || buildFailed;
/** Newest mtime of the package's published source (what tsc -p tsconfig.build.json compiles). */
function newestSource(folder) {
  let newest = 0;
  let newestFile = '';
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'test-support' && e.name !== 'node_modules') walk(full);
      } else if (/\.(m|c)?tsx?$/.test(e.name) && !/\.(spec|test-d)\.tsx?$/.test(e.name)) {
        const m = statSync(full).mtimeMs;
        if (m > newest) [newest, newestFile] = [m, full];
      }
    }
  };
  if (existsSync(join(folder, 'src'))) walk(join(folder, 'src'));
  return { newest, newestFile };
}

for (const p of packages) {
  const { newest, newestFile } = checkFreshness ? newestSource(p.folder) : { newest: 0, newestFile: '' };
  for (const e of p.entries) {
    if (!existsSync(e.dts)) {
      e.status = 'no build';
      errors.push(`${p.pkg.name} (${e.subpath}): no build output ${rel(e.dts)}: run npx pnpm@10.34.9 build (or drop --no-build)`);
    } else if (statSync(e.dts).mtimeMs + 1000 < newest) {
      e.status = 'stale build';
      errors.push(
        `${p.pkg.name} (${e.subpath}): ${rel(e.dts)} is older than ${rel(newestFile)}: ${
          build ? 'its build failed (see above)' : 'build first (npx pnpm@10.34.9 build) or drop --no-build'
        }`,
      );
    }
  }
}
const runnable = entries.filter((e) => e.status === 'pending');

// ---------------------------------------------------------------- API Extractor
const shared = ExtractorConfig.loadFile(configFile);
const tmp = mkdtempSync(join(tmpdir(), 'streamweave-api-report-'));

function configFor(e, files) {
  const configObject = structuredClone(shared);
  configObject.projectFolder = e.pkg.folder;
  configObject.mainEntryPointFilePath = e.dts;
  configObject.compiler.overrideTsconfig.files = files;
  configObject.apiReport = {
    ...configObject.apiReport,
    reportFileName: e.name,
    reportFolder: join(tmp, e.name),
    reportTempFolder: join(tmp, e.name, 'temp'),
  };
  return ExtractorConfig.prepare({ configObject, configObjectFullPath: configFile, packageJsonFullPath: e.pkg.packageJsonPath });
}

/** LF, one final newline, and the title names the import path ("@streamweave/core/node"), not only the package. */
function normalise(text, e) {
  const importPath = e.subpath === '.' ? e.pkg.pkg.name : `${e.pkg.pkg.name}/${e.subpath.slice(2)}`;
  return text
    .replace(/\r\n/g, '\n')
    .replace(/\s*$/, '\n')
    .replace(/^## API Report File for "[^"\n]*"\n/, `## API Report File for "${importPath}"\n`);
}

/** Short unified diff for the failure message (`diff` from the OS; silently none when it is absent). */
function diffExcerpt(committed, generated, lines = 40) {
  const r = spawnSync('diff', ['-u', '--label', 'committed', '--label', 'built', committed, generated], { encoding: 'utf8' });
  if (r.error || !r.stdout) return '';
  const all = r.stdout.trimEnd().split('\n');
  const shown = all.slice(0, lines).map((l) => `      ${l}`);
  if (all.length > lines) shown.push(`      ... ${all.length - lines} more diff lines`);
  return shown.join('\n');
}

let compilerState;
if (runnable.length > 0) {
  // One TypeScript program for every entry: each package's d.ts is parsed once, not once per report.
  const tc = Date.now();
  compilerState = CompilerState.create(configFor(runnable[0], runnable.map((e) => e.dts)), {
    additionalEntryPoints: runnable.map((e) => e.dts),
  });
  if (verbose) console.log(`== api report: TypeScript program for ${runnable.length} entries in ${((Date.now() - tc) / 1000).toFixed(1)} s`);
}

for (const e of runnable) {
  const label = `${e.pkg.pkg.name} (${e.subpath})`;
  let result;
  try {
    result = Extractor.invoke(configFor(e, runnable.map((x) => x.dts)), {
      localBuild: true,
      compilerState,
      showVerboseMessages: verbose,
      messageCallback(message) {
        const where = message.sourceFilePath
          ? `${rel(message.sourceFilePath)}${message.sourceFileLine ? `:${message.sourceFileLine}` : ''}`
          : rel(e.dts);
        if (message.category === ExtractorMessageCategory.Console) {
          // "Analysis will use the bundled TypeScript version ...", "The API report file was missing ...":
          // the script says what happened to each report itself.
          if (!verbose || message.logLevel === ExtractorLogLevel.None) message.handled = true;
        } else if (message.logLevel === ExtractorLogLevel.Error) {
          message.handled = true;
          errors.push(`${label}: ${where} ${message.messageId}: ${message.text}`);
        } else if (message.logLevel === ExtractorLogLevel.Warning) {
          message.handled = true;
          e.warnings.push({ id: message.messageId, where, text: message.text });
        } else if (!verbose) {
          message.handled = true;
        }
      },
    });
  } catch (err) {
    e.status = 'error';
    errors.push(`${label}: API Extractor failed: ${err instanceof Error ? err.message : String(err)}`);
    continue;
  }
  const generatedPath = join(tmp, e.name, `${e.name}.api.md`);
  if (!result.succeeded || !existsSync(generatedPath)) {
    e.status = 'error';
    if (!existsSync(generatedPath)) errors.push(`${label}: API Extractor wrote no report`);
    continue;
  }
  const generated = normalise(readFileSync(generatedPath, 'utf8'), e);
  const committed = existsSync(e.report) ? readFileSync(e.report, 'utf8').replace(/\r\n/g, '\n') : undefined;
  if (committed === generated) {
    e.status = 'unchanged';
  } else if (update) {
    mkdirSync(dirname(e.report), { recursive: true });
    writeFileSync(e.report, generated);
    e.status = committed === undefined ? 'created' : 'updated';
  } else {
    e.status = committed === undefined ? 'missing' : 'API changed';
    writeFileSync(generatedPath, generated);
    const what = committed === undefined ? 'API report missing' : 'API changed';
    const excerpt = committed === undefined ? '' : diffExcerpt(e.report, generatedPath);
    errors.push(`${what}: ${label}: run ${updateCommand} and commit ${rel(e.report)}${excerpt ? `\n${excerpt}` : ''}`);
  }
}

// Reports whose entry is gone (an export removed from the map, a package made private) would mislead review.
for (const p of allPackages) {
  const etc = join(p.folder, 'etc');
  if (!existsSync(etc)) continue;
  const expected = new Set(p.entries.map((e) => `${e.name}.api.md`));
  for (const f of readdirSync(etc).filter((f) => f.endsWith('.api.md') && !expected.has(f))) {
    if (update) {
      unlinkSync(join(etc, f));
      console.log(`  removed ${rel(join(etc, f))} (no such exports entry)`);
    } else {
      errors.push(`stale API report ${rel(join(etc, f))}: no exports entry makes it; run ${updateCommand} and commit the removal`);
    }
  }
}
rmSync(tmp, { recursive: true, force: true });

// ---------------------------------------------------------------- summary
// Missing TSDoc and unexported types are listed; TSDoc syntax and unresolved {@link}s are counted (--verbose lists them).
const listed = new Set(['ae-undocumented', 'ae-forgotten-export']);
const counts = (ws) => {
  const n = (pred) => ws.filter(pred).length;
  const undocumented = n((w) => w.id === 'ae-undocumented');
  const forgotten = n((w) => w.id === 'ae-forgotten-export');
  const tsdoc = n((w) => w.id.startsWith('tsdoc-'));
  const links = n((w) => w.id === 'ae-unresolved-link');
  const other = ws.length - undocumented - forgotten - tsdoc - links;
  return [
    undocumented && `${undocumented} undocumented`,
    forgotten && `${forgotten} not exported`,
    tsdoc && `${tsdoc} TSDoc syntax`,
    links && `${links} unresolved @link`,
    other && `${other} other`,
  ]
    .filter(Boolean)
    .join(', ');
};
console.log(`\n== api report (${update ? 'update' : 'check'}): ${entries.length} entries in ${packages.length} packages`);
for (const e of entries) {
  const w = counts(e.warnings);
  console.log(`  ${`${e.pkg.pkg.name} ${e.subpath}`.padEnd(40)} ${e.status.padEnd(12)} ${rel(e.report).padEnd(48)} ${w ? `warnings: ${w}` : ''}`.trimEnd());
}
const shownWarnings = (e) => (verbose ? e.warnings : e.warnings.filter((w) => listed.has(w.id)));
const warned = entries.filter((e) => shownWarnings(e).length > 0);
if (warned.length > 0) {
  const limit = verbose ? Infinity : 10;
  console.log(
    `\n== api report: warnings, not failures (STYLE.md: every export has TSDoc; a type an export uses is exported)${
      verbose ? '' : '; all of them: --verbose <package dir>'
    }`,
  );
  for (const e of warned) {
    const ws = shownWarnings(e);
    console.log(`  ${e.pkg.pkg.name} (${e.subpath}):`);
    for (const w of ws.slice(0, limit)) console.log(`    ${w.where} ${w.id}: ${w.text}`);
    if (ws.length > limit) console.log(`    ... ${ws.length - limit} more`);
  }
}
if (errors.length > 0) {
  console.log(`\n== api report: ${errors.length} problem${errors.length === 1 ? '' : 's'}`);
  for (const msg of errors) console.log(`  ${msg}`);
}
const totalWarnings = entries.reduce((n, e) => n + e.warnings.length, 0);
console.log(
  `\n== api report: ${errors.length === 0 ? 'ok' : 'FAILED'} — ${entries.length} entries, ${
    entries.filter((e) => ['updated', 'created'].includes(e.status)).length
  } written, ${totalWarnings} warnings, ${errors.length} errors in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
);
process.exit(errors.length === 0 ? 0 : 1);
