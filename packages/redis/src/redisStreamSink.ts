import { type Consumer, defineConsumer, InvalidArgumentError, isCheckpointBarrier, type NodeOptions, Serial, StreamWeaveError } from '@streamweave/core';
import { stateRuntimeOf } from '@streamweave/state';
import type { Redis } from 'ioredis';
import { authFailure, connect, connectionFailure, type RedisConnection, whileOpen } from './internal/connection.js';

/** Options of {@link redisStreamSink}. */
export interface RedisStreamSinkOptions<T> extends NodeOptions {
  /** `redis://` URL or ioredis options (default `redis://127.0.0.1:6379`). */
  readonly connection?: RedisConnection;
  /** Key of the Redis stream the entries are appended to (`XADD`). */
  readonly stream: string;
  /** Item → entry fields (default: `{ data: <string or JSON> }`). */
  readonly toFields?: (item: T) => Readonly<Record<string, string | Buffer | number>>;
  /** Approximate cap on the stream length (`XADD … MAXLEN ~ n`); omit for no trimming. */
  readonly maxLen?: number;
  /** Entries per pipelined round trip (default 100). */
  readonly batchSize?: number;
  /** Connection retries before failing (default 5). */
  readonly retries?: number;
}

/** What {@link redisStreamSink} resolves to. */
export interface RedisStreamSinkResult {
  /** Entries added. */
  readonly entries: number;
  /** Pipelined round trips. */
  readonly batches: number;
}

const defaultFields = (item: unknown) => ({ data: typeof item === 'string' ? item : JSON.stringify(item) });

/**
 * Appends items to a Redis stream with XADD, `batchSize` commands per pipelined round
 * trip, trimming with `MAXLEN ~` when `maxLen` is set (approximate trimming frees whole
 * radix-tree nodes, far cheaper than exact). A checkpoint barrier and the end of input
 * flush the open batch; the barrier is acknowledged (`onSinkBarrier`) only once that
 * flush is written, and later items wait for it. Under a `CheckpointCoordinator` the sink
 * takes part in checkpoints, so a checkpoint completes only once everything before its
 * barrier is in the stream: with a replayable source, at-least-once across a crash.
 *
 * @example
 * ```ts
 * await pipeline().from(fromArray(events)).to(redisStreamSink({ stream: 'events', maxLen: 100_000 })).run();
 * ```
 * @see {@link redisStreamSource}
 */
export function redisStreamSink<T>(options: RedisStreamSinkOptions<T>): Consumer<T, RedisStreamSinkResult> {
  if (!options || typeof options !== 'object') throw new InvalidArgumentError('redisStreamSink: options must be an object');
  if (typeof options.stream !== 'string' || options.stream === '') throw new InvalidArgumentError('redisStreamSink: `stream` must be a non-empty string');
  if (options.toFields !== undefined && typeof options.toFields !== 'function') throw new InvalidArgumentError('redisStreamSink: `toFields` must be a function');
  for (const k of ['maxLen', 'batchSize'] as const) {
    const v = options[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new InvalidArgumentError(`redisStreamSink: \`${k}\` must be a positive integer, got ${String(v)}`);
  }
  const connection = options.connection ?? 'redis://127.0.0.1:6379';
  const batchSize = options.batchSize ?? 100;
  const toFields = (options.toFields ?? defaultFields) as (item: T) => Readonly<Record<string, string | Buffer | number>>;
  const trim = options.maxLen === undefined ? [] : ['MAXLEN', '~', String(options.maxLen)];
  return defineConsumer<T, RedisStreamSinkResult>(
    'redisStreamSink',
    { stream: options.stream, maxLen: options.maxLen ?? null, batchSize },
    options,
    (ctx) => {
      const serial = new Serial();
      // Under a CheckpointCoordinator: a participant without state whose (empty) snapshot is
      // reported once the entries before the barrier are written, so a checkpoint (and the
      // source's XACK on its completion) never covers entries still in this sink's batch.
      const runtime = stateRuntimeOf(ctx);
      runtime?.register({ id: ctx.id, type: ctx.descriptor.type });
      let redis: Promise<Redis> | undefined;
      let batch: Array<Array<string | Buffer | number>> = [];
      let entries = 0;
      let batches = 0;
      const open = () =>
        (redis ??= connect(connection, options.retries ?? 5).catch((e: unknown) => {
          throw connectionFailure('redisStreamSink', connection, e, ctx.component);
        }));
      const flush = (): Promise<void> => {
        if (batch.length === 0) return serial.settled();
        const out = batch;
        batch = [];
        return serial.add(async () => {
          const c = await open();
          const p = c.pipeline();
          for (const args of out) p.xadd(options.stream, ...(trim as string[]), '*', ...(args as string[]));
          let failed: unknown;
          try {
            failed = ((await whileOpen(c, p.exec())) ?? []).find(([e]) => e)?.[0];
          } catch (e) {
            failed = e;
          }
          if (failed !== undefined && failed !== null) {
            // A reconnect the server refused (the password changed) closed the connection: say so.
            const refused = authFailure(c);
            throw refused === undefined ? failed : connectionFailure('redisStreamSink', connection, refused, ctx.component);
          }
          entries += out.length;
          batches++;
        });
      };
      return {
        item(value) {
          if (serial.failed) throw serial.failed.error;
          const args: Array<string | Buffer | number> = [];
          for (const [k, v] of Object.entries(toFields(value as T))) args.push(k, v);
          if (args.length === 0) throw new StreamWeaveError('an entry needs at least one field; toFields returned none');
          batch.push(args);
          // Synchronous, so a barrier never overtakes an item; a full batch holds one credit until written.
          if (batch.length >= batchSize) {
            const hold = ctx.hold();
            flush().then(() => hold.release(), () => hold.release());
          }
        },
        signal(s) {
          if (!isCheckpointBarrier(s)) return;
          // Acknowledged to the checkpoint listener only once the entries before it are written.
          const flushed = flush();
          runtime?.snapshotTaken(ctx.id, s.checkpointId, flushed.then(() => []));
          return flushed;
        },
        async complete() {
          const flushed = flush();
          runtime?.snapshotTaken(ctx.id, 'end', flushed.then(() => []));
          await flushed;
          return { entries, batches };
        },
        teardown() {
          // After the queued steps: they may still open the connection.
          void serial
            .settled()
            .catch(() => undefined)
            .then(() => {
              const r = redis;
              redis = undefined;
              return r?.then((c) => c.quit());
            })
            .catch(() => undefined);
        },
      };
    },
  );
}
