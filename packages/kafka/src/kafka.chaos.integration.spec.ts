import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createTopic, deleteTopic, kafkajsClient } from './index.js';
import { brokers, kafkaUp, kcatConsume, kcatProduce, unique } from './test-support/services.js';

const up = kafkaUp();
const describeKafka = up ? describe : describe.skip;
const client = kafkajsClient({ brokers, retries: 8 });

const sum = (lines: readonly string[]) => lines.reduce((a, l) => a + Number(l.split('=')[1]), 0);

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
  let onStarted: () => void = () => undefined;
  const started = new Promise<void>((r) => (onStarted = r));
  child.stdout.on('data', (d: Buffer) => {
    out += String(d);
    if (out.includes('started')) onStarted();
  });
  child.stderr.on('data', (d: Buffer) => (err += String(d)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, out, err })),
  );
  return { child, exited, started };
}

describeKafka('Kafka exactly-once under SIGKILL (real broker, child processes)', () => {
  const topics: string[] = [];
  afterAll(async () => {
    for (const t of topics) await deleteTopic(client, t).catch(() => undefined);
  });

  it('Kafka → count per key → Kafka with transactions: killed 3 times mid-run, the committed counts are exact', async () => {
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
      // Kill 0.2-0.9 s after the job's first record: inside the run, at a different point each time.
      await Promise.race([job.started, job.exited]);
      await new Promise((r) => setTimeout(r, 200 + Math.floor(random() * 700)));
      job.child.kill('SIGKILL');
      const { signal, code, err } = await job.exited;
      expect({ signal, code, err: err.slice(-300) }).toEqual({ signal: 'SIGKILL', code: null, err: '' });
      kills.push(sum(kcatConsume(output)));
    }
    const last = startJob(args);
    const done = await last.exited;
    expect({ code: done.code, err: done.err.slice(-500) }).toEqual({ code: 0, err: '' });
    expect(done.out).toMatch(/^done \d+ \d+$/m);
    const committed = kcatConsume(output);
    // Counts emitted by an epoch are sent and committed at its barrier, so aborted records are
    // rare here; what matters is that each committed epoch is counted once.
    const totals: Record<string, number> = {};
    for (const line of committed) {
      const [k, c] = line.split('=');
      totals[k!] = (totals[k!] ?? 0) + Number(c);
    }
    expect(totals).toEqual(Object.fromEntries(Array.from({ length: 10 }, (_, k) => [String(k), n / 10])));
    // Progress was made before the last run (the kills did land mid-stream).
    expect(kills.some((c) => c > 0 && c < n)).toBe(true);
  }, 150_000);
});
