// Window state in checkpoints: keyed tumbling counts over a file of events,
// checkpointed every 30 ms through @streamweave/state. The first run "crashes"
// (is cancelled) mid-stream with windows open; the second restores the latest
// checkpoint — the open windows' counts included — and finishes. The committed
// output equals the output of an uninterrupted run exactly.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect, type Consumer, map, pipeline, rateLimit } from '@streamweave/core';
import { CheckpointCoordinator, memoryBackend } from '@streamweave/state';
import { exactlyOnceFileSink, lineFileSource, localCheckpointStorage, readPartFiles } from '@streamweave/state/node';
import { assignTimestampsAndWatermarks, boundedOutOfOrderness, count, tumblingWindows, windowAggregate, type WindowResult } from '@streamweave/windowing';

interface Click {
  user: string;
  ts: number;
}
const work = mkdtempSync(join(tmpdir(), 'sw-windowing-checkpoint-'));
try {
  const input = join(work, 'clicks.csv');
  // 400 clicks of 4 users, 50 ms apart in event time, some up to 80 ms out of order.
  const clicks = Array.from({ length: 400 }, (_, i) => `u${(i * 7) % 4},${Math.max(0, i * 50 - ((i * 37) % 80))}`);
  writeFileSync(input, clicks.join('\n') + '\n');

  const job = <R>(to: Consumer<WindowResult<string, number>, R>) =>
    pipeline()
      .from(lineFileSource(input, { name: 'clicks' }))
      .pipe(rateLimit({ perSecond: 4000, burst: 8 }))
      .pipe(map((line: string): Click => ({ user: line.split(',')[0]!, ts: Number(line.split(',')[1]) })))
      .pipe(assignTimestampsAndWatermarks({ timestamp: (c: Click) => c.ts, watermarks: boundedOutOfOrderness(100), periodMs: 5 }))
      .pipe(windowAggregate({ assigner: tumblingWindows<Click>(1000), timestamp: (c) => c.ts, key: (c) => c.user, aggregate: count(), name: 'clicksPerSecond' }))
      .to(to);
  const show = (r: WindowResult<string, number>) => `${r.key} [${r.window.start}, ${r.window.end}) ${r.result}`;

  const uninterrupted = (await job(collect<WindowResult<string, number>>()).run()).result.map(show);

  const backend = memoryBackend();
  const storage = localCheckpointStorage(join(work, 'checkpoints'));
  const sink = () => exactlyOnceFileSink<WindowResult<string, number>>({ dir: join(work, 'out'), serialize: (r) => `${show(r)}\n`, name: 'out' });
  const crash = new AbortController();
  let openAtCrash = 0;
  const first = await new CheckpointCoordinator({
    backend,
    storage,
    intervalMs: 30,
    onCheckpointComplete: (m) => {
      if (m.id === 3) {
        openAtCrash = m.operators['clicksPerSecond']?.entries ?? 0;
        crash.abort('simulated crash');
      }
    },
  })
    .run(job(sink()), { runOptions: { signal: crash.signal, creditWindow: 8 } })
    .then(() => 'finished before the crash', (e: Error) => e.message);
  const second = await new CheckpointCoordinator({ backend, storage, intervalMs: 30 }).run(job(sink()), { runOptions: { creditWindow: 8 } });

  const committed = (await readPartFiles(join(work, 'out'))).split('\n').filter((l) => l !== '');
  if (committed.length !== uninterrupted.length || committed.some((l, i) => l !== uninterrupted[i])) {
    throw new Error(`restored window results differ from an uninterrupted run:\n${committed.join('\n')}\n---\n${uninterrupted.join('\n')}`);
  }
  console.log(`first run: ${first}; window state entries in checkpoint 3: ${openAtCrash}`);
  console.log(`second run restored checkpoint ${String(second.restoredFrom)}; ${committed.length} window results committed, identical to an uninterrupted run`);
  console.log(committed.slice(0, 4).join('\n'));
} finally {
  rmSync(work, { recursive: true, force: true });
}
