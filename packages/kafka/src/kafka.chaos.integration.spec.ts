import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createTopic, deleteTopic, kafkajsClient } from './index.js';
import { brokers, kafkaUp, kcatConsume, kcatProduce, unique } from './test-support/services.js';

const up = kafkaUp();
const describeKafka = up ? describe : describe.skip;
const client = kafkajsClient({ brokers, retries: 8 });

/** Deterministic delays (mulberry32), so a failing run can be repeated. */
function seeded(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function startJob(args: string[]) {
  const child = spawn(process.execPath, ['--conditions=@streamweave/source', '--import', 'tsx', join(__dirname, 'test-support', 'chaosJob.ts'), ...args], {
    cwd: join(__dirname, '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += String(d)));
  child.stderr.on('data', (d: Buffer) => (err += String(d)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, out, err })),
  );
  return { child, exited };
}

describeKafka('Kafka exactly-once under SIGKILL (real broker, child processes)', () => {
  const topics: string[] = [];
  afterAll(async () => {
    for (const t of topics) await deleteTopic(client, t).catch(() => undefined);
  });

  it('Kafka → map → Kafka with transactions: killed 3 times mid-run, the committed output is exact', async () => {
    const input = unique('chaos-in');
    const output = unique('chaos-out');
    topics.push(input, output);
    await createTopic(client, input, 2);
    await createTopic(client, output, 2);
    const n = 20_000;
    const values = Array.from({ length: n }, (_, i) => `${i % 10}:r${i}`);
    kcatProduce(input, values, true);
    const args = [brokers.join(','), input, output, unique('g'), unique('txn')];
    const random = seeded(7);
    const kills: number[] = [];
    for (let k = 0; k < 3; k++) {
      const job = startJob(args);
      // Startup takes ~1.5 s; after a kill the dead member holds its partitions for the 6 s session timeout.
      const delay = 2000 + (k > 0 ? 6500 : 0) + Math.floor(random() * 1500);
      await new Promise((r) => setTimeout(r, delay));
      job.child.kill('SIGKILL');
      const { signal, code, err } = await job.exited;
      expect({ signal, code, err: err.slice(-300) }).toEqual({ signal: 'SIGKILL', code: null, err: '' });
      kills.push(kcatConsume(output).length);
    }
    const last = startJob(args);
    const done = await last.exited;
    expect({ code: done.code, err: done.err.slice(-500) }).toEqual({ code: 0, err: '' });
    expect(done.out).toMatch(/^done \d+ \d+$/m);
    const committed = kcatConsume(output);
    // Killed at least once with work in flight: the attempts wrote records that were aborted.
    expect(kcatConsume(output, '%s\\n', false).length).toBeGreaterThanOrEqual(n);
    expect(committed.length).toBe(n);
    expect(new Set(committed).size).toBe(n);
    expect([...committed].sort()).toEqual(values.map((v) => v.split(':')[1]!.toUpperCase()).sort());
    // Progress was made before the last run (the kills did land mid-stream).
    expect(kills.some((c) => c > 0 && c < n)).toBe(true);
  }, 150_000);
});
