/**
 * Finds (or fetches once through Maven) Apache Avro's Java tools for the interop
 * tests, and applies the rule for tests that need outside tools: skip with a
 * printed reason when they are absent, fail when STREAMWEAVE_REQUIRE_SERVICES=1.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const avroToolsVersion = '1.12.1';
const cacheDir = join(homedir(), '.cache', 'streamweave');

function decide(name: string, reason: string): false {
  if (process.env.STREAMWEAVE_REQUIRE_SERVICES === '1') {
    throw new Error(`${name} is required (STREAMWEAVE_REQUIRE_SERVICES=1) but unavailable: ${reason}`);
  }
  console.warn(`skipping ${name} tests: ${reason}`);
  return false;
}

/** Path of avro-tools-<version>.jar, fetched with `mvn dependency:copy` when missing; undefined (after a printed reason) when it cannot be had. */
export function avroToolsJar(): string | undefined {
  if (spawnSync('java', ['-version']).status !== 0) return decide('Avro Java interop', 'no `java` on PATH') || undefined;
  const candidates = [
    process.env['STREAMWEAVE_AVRO_TOOLS_JAR'],
    join(cacheDir, `avro-tools-${avroToolsVersion}.jar`),
    join(homedir(), '.m2', 'repository', 'org', 'apache', 'avro', 'avro-tools', avroToolsVersion, `avro-tools-${avroToolsVersion}.jar`),
  ];
  for (const c of candidates) if (c && existsSync(c)) return c;
  if (spawnSync('mvn', ['-v']).status !== 0) return decide('Avro Java interop', 'avro-tools jar not cached and no `mvn` on PATH to fetch it') || undefined;
  mkdirSync(cacheDir, { recursive: true });
  const r = spawnSync('mvn', ['-q', 'dependency:copy', `-Dartifact=org.apache.avro:avro-tools:${avroToolsVersion}`, `-DoutputDirectory=${cacheDir}`], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  const jar = join(cacheDir, `avro-tools-${avroToolsVersion}.jar`);
  if (r.status === 0 && existsSync(jar)) return jar;
  return decide('Avro Java interop', `mvn could not fetch org.apache.avro:avro-tools:${avroToolsVersion}: ${(r.stderr || r.stdout || '').slice(0, 300)}`) || undefined;
}

/** Runs a Java command; returns stdout as bytes, throws with stderr on failure. */
export function javaBytes(args: readonly string[]): Buffer {
  const r = spawnSync('java', args, { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`java ${args.join(' ')} failed (${r.status}): ${r.stderr.toString()}`);
  return r.stdout;
}

/** Runs a Java command; returns stdout as text. */
export function java(args: readonly string[]): string {
  return javaBytes(args).toString('utf8');
}
