/**
 * Real-server helpers for the integration specs: the skip/require rule, unique names,
 * and kcat as the independent client that produces and checks data.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

// A function, not a constant: the chaos jobs import this module as an ES module (tsx), where
// `__dirname` does not exist; only the jest specs (CommonJS) call these helpers.
const servicesDir = (): string => join(__dirname, '..', '..', '..', '..', 'tooling', 'services');

export const brokers = (process.env.STREAMWEAVE_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

/** Probes the first broker synchronously, so jest can skip whole blocks at collection time. */
export function kafkaUp(): boolean {
  const [host, port] = brokers[0]!.split(':');
  const script = `const s=require('node:net').connect(${port},${JSON.stringify(host)});s.on('connect',()=>process.exit(0));s.on('error',()=>process.exit(1));setTimeout(()=>process.exit(2),1500);`;
  if (spawnSync(process.execPath, ['-e', script]).status === 0) return true;
  const reason = `Kafka not reachable at ${brokers[0]}`;
  if (process.env.STREAMWEAVE_REQUIRE_SERVICES === '1') throw new Error(`Kafka is required (STREAMWEAVE_REQUIRE_SERVICES=1) but unavailable: ${reason}`);
  console.warn(`skipping Kafka integration tests: ${reason}`);
  return false;
}

export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;

/** Produces lines with kcat (key and value separated by `:` when `keyed`). */
export function kcatProduce(topic: string, lines: readonly string[], keyed = false): void {
  const r = spawnSync('kcat', ['-b', brokers.join(','), '-P', '-t', topic, ...(keyed ? ['-K', ':'] : [])], {
    input: lines.join('\n') + '\n',
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`kcat -P failed: ${r.stderr}`);
}

/** Consumes a whole topic with kcat; `format` is kcat's -f format. */
export function kcatConsume(topic: string, format = '%s\\n', readCommitted = true): string[] {
  const r = spawnSync(
    'kcat',
    ['-b', brokers.join(','), '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', format, '-X', `isolation.level=${readCommitted ? 'read_committed' : 'read_uncommitted'}`],
    { encoding: 'utf8', timeout: 30_000 },
  );
  if (r.status !== 0) throw new Error(`kcat -C failed: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '');
}

/**
 * Runs tooling/services/kafka-node.sh in a child process and resolves when it exits, so the
 * event loop keeps running during the outage (clients see the broker go away and come back).
 */
export function kafkaNode(action: 'restart' | 'kill' | 'start' | 'stop', node = 1): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(servicesDir(), 'kafka-node.sh'), action, String(node)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`kafka-node.sh ${action} ${node} failed (exit ${String(code)}): ${out}`));
    });
  });
}

/** Produces lines with kcat in a child process (the event loop keeps running; kcat waits out an outage). */
export function kcatProduceAsync(topic: string, lines: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', ['-b', brokers.join(','), '-P', '-t', topic, '-X', 'message.timeout.ms=120000'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`kcat -P failed (exit ${String(code)}): ${err}`))));
    child.stdin.end(lines.join('\n') + '\n');
  });
}

/** Produces keyed lines (`key:value`) with kcat's murmur2 partitioner, the Java client's placement. */
export function kcatProduceMurmur2(topic: string, lines: readonly string[]): void {
  const r = spawnSync('kcat', ['-b', brokers.join(','), '-P', '-t', topic, '-K', ':', '-X', 'topic.partitioner=murmur2_random'], {
    input: lines.join('\n') + '\n',
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`kcat -P failed: ${r.stderr}`);
}

/** Creates a one-partition topic with topic-level configs (`name=value`) through Kafka's own TopicCommand. */
export function createTopicWithConfig(topic: string, configs: readonly string[]): void {
  const r = spawnSync(
    'bash',
    [join(servicesDir(), 'kafka-cli.sh'), 'topics', '--bootstrap-server', brokers.join(','), '--create', '--topic', topic, '--partitions', '1', ...configs.flatMap((c) => ['--config', c])],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (r.status !== 0) throw new Error(`kafka-topics --create ${topic} failed: ${r.stderr}${r.stdout}`);
}

/** Reads a topic with kcat as it grows (a child process): every value line, in order, until stopped. */
export function kcatTail(topic: string): { readonly lines: string[]; stop(): void } {
  const lines: string[] = [];
  const child = spawn('kcat', ['-b', brokers.join(','), '-C', '-t', topic, '-o', 'beginning', '-u', '-q', '-f', '%s\\n'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let rest = '';
  child.stdout.on('data', (d: Buffer) => {
    const parts = (rest + d.toString()).split('\n');
    rest = parts.pop()!;
    lines.push(...parts);
  });
  return { lines, stop: () => void child.kill('SIGTERM') };
}

/** One record batch as Kafka's DumpLogSegments prints it. */
export interface DumpedBatch {
  readonly baseOffset: number;
  readonly count: number;
  readonly baseSequence: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly isTransactional: boolean;
  readonly compresscodec: string;
}

/**
 * The record batches of one partition as stored on disk, read with Kafka's own
 * `org.apache.kafka.tools.DumpLogSegments` from the log dirs the services scripts use
 * (`undefined` when no local replica is found: the broker is not one of ours).
 */
export function dumpBatches(topic: string, partition: number): DumpedBatch[] | undefined {
  const kafkaRun = spawnSync('bash', ['-c', `source lib/common.sh; source lib/kafka.sh; printf %s "$SW_KAFKA_RUN"`], { cwd: servicesDir(), encoding: 'utf8' }).stdout;
  if (!kafkaRun || !existsSync(kafkaRun)) return undefined;
  const dir = readdirSync(kafkaRun)
    .map((node) => join(kafkaRun, node, 'data', `${topic}-${partition}`))
    .find((d) => existsSync(d));
  if (!dir) return undefined;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .map((f) => join(dir, f));
  const r = spawnSync('bash', [join(servicesDir(), 'kafka-cli.sh'), 'class', 'org.apache.kafka.tools.DumpLogSegments', '--files', files.join(',')], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`DumpLogSegments failed: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((l) => l.startsWith('baseOffset:'))
    .map((l) => {
      const f = (name: string) => new RegExp(`\\b${name}: (\\S+)`).exec(l)?.[1] ?? '';
      return {
        baseOffset: Number(f('baseOffset')),
        count: Number(f('count')),
        baseSequence: Number(f('baseSequence')),
        producerId: Number(f('producerId')),
        producerEpoch: Number(f('producerEpoch')),
        isTransactional: f('isTransactional') === 'true',
        compresscodec: f('compresscodec'),
      };
    });
}

/** Java's `Utils.murmur2` (the default partitioner's hash), over the key's UTF-8 bytes. */
export function murmur2(key: string): number {
  const data = Buffer.from(key, 'utf8');
  const length = data.length;
  const m = 0x5bd1e995;
  const r = 24;
  let h = (0x9747b28c ^ length) | 0;
  const length4 = length >> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data.readInt32LE(i4);
    k = Math.imul(k, m);
    k ^= k >>> r;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  const rest = length % 4;
  const tail = length & ~3;
  if (rest === 3) h ^= (data[tail + 2]! & 0xff) << 16;
  if (rest >= 2) h ^= (data[tail + 1]! & 0xff) << 8;
  if (rest >= 1) {
    h ^= data[tail]! & 0xff;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition Java's default partitioner gives a keyed record: `toPositive(murmur2(key)) % partitions`. */
export const javaPartition = (key: string, partitions: number): number => (murmur2(key) & 0x7fffffff) % partitions;

/** Waits until `check` is true (polling), or throws after `ms`. */
export async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
