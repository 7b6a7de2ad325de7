/**
 * Real-server helpers for the integration specs: the skip/require rule, unique names,
 * and kcat as the independent client that produces and checks data.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

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

/** Runs tooling/services/kafka-node.sh. */
export function kafkaNode(action: 'restart' | 'kill' | 'start', node = 1): void {
  const r = spawnSync('bash', [`${__dirname}/../../../../tooling/services/kafka-node.sh`, action, String(node)], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`kafka-node.sh ${action} ${node} failed: ${r.stderr}${r.stdout}`);
}

/** Waits until `check` is true (polling), or throws after `ms`. */
export async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
