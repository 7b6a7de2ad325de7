/**
 * The chaos job: file source → keyed running total → exactly-once file sink,
 * checkpointing every few ms. The driver SIGKILLs it at random moments and
 * restarts it; each start restores the latest complete checkpoint.
 * Env: CHAOS_INPUT, CHAOS_WORK, CHAOS_BACKEND (lmdb | redis | postgres), CHAOS_RATE (lines/s),
 * CHAOS_STORE (heap | lmdb: where the keyed working state lives; lmdb with a 4-entry cache
 * for 20 keys, so nearly every record evicts, and compaction every 3 checkpoints).
 */
import { map, pipeline, rateLimit } from '@streamweave/core';
import { CheckpointCoordinator, keyedProcess, valueState } from '@streamweave/state';
import { exactlyOnceFileSink, lineFileSource, lmdbKeyedStore, localCheckpointStorage } from '@streamweave/state/node';
import { chaosBackend } from './backends.js';

const input = process.env.CHAOS_INPUT!;
const work = process.env.CHAOS_WORK!;
const backend = await chaosBackend(process.env.CHAOS_BACKEND ?? 'lmdb', work);
const coordinator = new CheckpointCoordinator({
  backend,
  storage: localCheckpointStorage(`${work}/checkpoints`),
  intervalMs: 20,
  retained: 2,
});
const store = process.env.CHAOS_STORE === 'lmdb' ? lmdbKeyedStore({ path: `${work}/keyed.lmdb`, cacheSize: 4, compactAfter: 3 }) : undefined;
const state = { total: valueState<number>({ defaultValue: 0 }), count: valueState<number>({ defaultValue: 0 }) };
const job = pipeline()
  .from(lineFileSource(input, { name: 'input' }))
  .pipe(rateLimit({ perSecond: Number(process.env.CHAOS_RATE ?? 4000), burst: 64 }))
  .pipe(map((line: string) => line.split(','), { name: 'parse' }))
  .pipe(
    keyedProcess<string[], string, string, typeof state>(
      {
        keyBy: ([key]: string[]) => key!,
        state,
        ...(store ? { store } : {}),
        processElement([key, value], ctx) {
          const total = ctx.state.total.value()! + Number(value);
          const count = ctx.state.count.value()! + 1;
          ctx.state.total.update(total);
          ctx.state.count.update(count);
          ctx.emit(`${key},${count},${total}`);
        },
      },
      { name: 'runningTotal' },
    ),
  )
  .to(exactlyOnceFileSink<string>({ dir: `${work}/out`, serialize: (s) => `${s}\n`, name: 'out' }));
process.stdout.write('READY\n');
const result = await coordinator.run(job);
await backend.close();
await store?.close();
process.stdout.write(`DONE ${result.restoredFrom ?? 0}\n`);
process.exit(0);
