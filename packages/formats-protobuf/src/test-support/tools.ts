/**
 * Finds the independent Protocol Buffers implementations for the interop tests
 * (Debian's protoc, Google's protobuf-java fetched once through Maven) and
 * applies the rule for tests that need outside tools: skip with a printed
 * reason when absent, fail when STREAMWEAVE_REQUIRE_SERVICES=1.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const protobufJavaVersion = '4.36.2';
const cacheDir = join(homedir(), '.cache', 'streamweave');

function decide(name: string, reason: string): undefined {
  if (process.env['STREAMWEAVE_REQUIRE_SERVICES'] === '1') {
    throw new Error(`${name} is required (STREAMWEAVE_REQUIRE_SERVICES=1) but unavailable: ${reason}`);
  }
  console.warn(`skipping ${name} tests: ${reason}`);
  return undefined;
}

/** True when `protoc` runs (apt-get install protobuf-compiler). */
export function protocAvailable(): boolean {
  if (spawnSync('protoc', ['--version']).status === 0) return true;
  decide('protoc interop', 'no `protoc` on PATH (apt-get install protobuf-compiler)');
  return false;
}

/** Path of protobuf-java-<version>.jar, fetched with `mvn dependency:copy` when missing. */
export function protobufJavaJar(): string | undefined {
  if (spawnSync('java', ['-version']).status !== 0) return decide('Java protobuf interop', 'no `java` on PATH');
  const name = `protobuf-java-${protobufJavaVersion}.jar`;
  const candidates = [
    process.env['STREAMWEAVE_PROTOBUF_JAVA_JAR'],
    join(cacheDir, name),
    join(homedir(), '.m2', 'repository', 'com', 'google', 'protobuf', 'protobuf-java', protobufJavaVersion, name),
  ];
  for (const c of candidates) if (c && existsSync(c)) return c;
  if (spawnSync('mvn', ['-v']).status !== 0) return decide('Java protobuf interop', 'protobuf-java not cached and no `mvn` on PATH to fetch it');
  mkdirSync(cacheDir, { recursive: true });
  const r = spawnSync('mvn', ['-q', 'dependency:copy', `-Dartifact=com.google.protobuf:protobuf-java:${protobufJavaVersion}`, `-DoutputDirectory=${cacheDir}`], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (r.status === 0 && existsSync(join(cacheDir, name))) return join(cacheDir, name);
  return decide('Java protobuf interop', `mvn could not fetch protobuf-java ${protobufJavaVersion}: ${(r.stderr || r.stdout || '').slice(0, 300)}`);
}

/** Runs a command; returns stdout bytes, throws with stderr on failure. */
export function run(cmd: string, args: readonly string[], input?: Uint8Array | string): Buffer {
  const r = spawnSync(cmd, args, { timeout: 120_000, maxBuffer: 64 * 1024 * 1024, ...(input === undefined ? {} : { input }) });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.toString()}`);
  return r.stdout;
}
