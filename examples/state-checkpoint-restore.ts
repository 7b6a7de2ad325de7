/**
 * Keyed state, checkpoints and exactly-once output, all in memory (no server):
 * a running total per account checkpoints every 50 ms; the first run "crashes"
 * (is cancelled) mid-stream; the second restores the latest complete checkpoint
 * and finishes. The transactional sink published every total exactly once.
 */
import { fromArray, pipeline, rateLimit } from '@streamweave/core';
import {
  CheckpointCoordinator,
  memoryBackend,
  memoryCheckpointStorage,
  runningTotal,
  transactionalSink,
  type TwoPhaseCommitHandler,
} from '@streamweave/state';

type Payment = { account: string; amount: number };
const payments: Payment[] = Array.from({ length: 600 }, (_, i) => ({ account: `acct-${i % 3}`, amount: (i % 7) + 1 }));

// An in-memory "database" with transactions, as a SQL sink would use: writes are staged,
// pre-commit makes them durable but invisible (PREPARE TRANSACTION), commit publishes them.
const staged = new Map<number, string[]>(); // lost in a crash
const prepared = new Map<number, string[]>(); // durable
const published: string[] = [];
const table: TwoPhaseCommitHandler<{ key: string; total: number }, number> = {
  beginTransaction: (seq) => (staged.set(seq, []), seq),
  write: (seq, t) => void staged.get(seq)!.push(`${t.key}=${t.total}`),
  preCommit: (seq) => {
    prepared.set(seq, staged.get(seq)!);
    staged.delete(seq);
  },
  commit: (seq) => {
    published.push(...(prepared.get(seq) ?? [])); // a second commit of the same transaction finds nothing left
    prepared.delete(seq);
  },
  abort: (seq) => {
    staged.delete(seq);
    prepared.delete(seq);
  },
  recover: (nextSeq) => {
    for (const seq of prepared.keys()) if (seq >= nextSeq) prepared.delete(seq);
  },
};

const job = () =>
  pipeline()
    .from(fromArray(payments, { name: 'payments' }))
    .pipe(rateLimit({ perSecond: 3000, burst: 10 }))
    .pipe(runningTotal({ keyBy: (p: Payment) => p.account, value: (p) => p.amount, name: 'balances' }))
    .to(transactionalSink(table, { name: 'ledger' }));

// Both runs share the backend and checkpoint storage, as a restarted process shares a disk.
const backend = memoryBackend();
const storage = memoryCheckpointStorage();

// The first run crashes right after checkpoint 2 is durable, before its transaction is committed.
const crash = new AbortController();
const onCheckpointComplete = (m: { id: number }) => m.id === 2 && crash.abort('simulated crash');
const first = await new CheckpointCoordinator({ backend, storage, intervalMs: 50, onCheckpointComplete })
  // A small credit window keeps in-flight buffers short, so barriers are not queued behind hundreds of items.
  .run(job(), { runOptions: { signal: crash.signal, creditWindow: 16 } })
  .then(() => 'finished', (e: Error) => e.message);
const committedBeforeCrash = published.length;
staged.clear(); // what was not committed died with the process

const second = await new CheckpointCoordinator({ backend, storage, intervalMs: 50 }).run(job(), { runOptions: { creditWindow: 16 } });
if (second.restoredFrom !== 2) throw new Error(`the second run should have restored checkpoint 2, got ${second.restoredFrom}`);

// Expected: one running total per payment, in order.
const totals = new Map<string, number>();
const expected = payments.map((p) => {
  totals.set(p.account, (totals.get(p.account) ?? 0) + p.amount);
  return `${p.account}=${totals.get(p.account)}`;
});
if (published.length !== expected.length || published.some((x, i) => x !== expected[i])) {
  throw new Error(`exactly-once violated: ${published.length} published, ${expected.length} expected`);
}
console.log(`first run: ${first}; ${committedBeforeCrash} totals committed before the crash`);
console.log(`second run restored checkpoint ${second.restoredFrom} and committed checkpoints ${second.completedCheckpoints.join(', ')}`);
console.log(`published ${published.length} totals exactly once; last: ${published.slice(-3).join(', ')}`);
