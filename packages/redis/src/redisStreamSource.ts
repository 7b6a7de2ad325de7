import {
  convertInSource,
  defineProducer,
  InvalidArgumentError,
  type JsonValue,
  type NodeOptions,
  type Producer,
  type ProducerContext,
  skippedInput,
  type SourceReader,
  StreamWeaveError,
} from '@streamweave/core';
import type { Redis } from 'ioredis';
import { authFailure, connect, connectionFailure, disconnect, type RedisConnection, whileOpen } from './internal/connection.js';

/** The error an entry the `decode` option threw on is reported with. */
const undecodable = (e: unknown, entry: RedisStreamEntry) => new StreamWeaveError(`cannot decode entry ${entry.stream}/${entry.id}`, { cause: e });

/** One stream entry. */
export interface RedisStreamEntry {
  /** Key of the Redis stream the entry was read from. */
  readonly stream: string;
  /** Entry id, `<ms>-<seq>`. */
  readonly id: string;
  /** Field-value pairs of the entry. */
  readonly fields: Readonly<Record<string, string>>;
}

/** Options of {@link redisStreamSource}. */
export interface RedisStreamSourceOptions<T> extends NodeOptions {
  /** `redis://` URL or ioredis options (default `redis://127.0.0.1:6379`). */
  readonly connection?: RedisConnection;
  /** Key of the Redis stream to read, through the consumer group. */
  readonly stream: string;
  /** Consumer group; created (with MKSTREAM) when missing, starting at `startId`. */
  readonly group: string;
  /** This consumer's name within the group; stable across restarts so its pending entries are re-delivered. */
  readonly consumer: string;
  /** Where a newly created group starts (default `'0'`: the whole stream; `'$'`: only new entries). */
  readonly startId?: string;
  /** Entry → item (default: the {@link RedisStreamEntry}). A throw goes through the error strategy. */
  readonly decode?: (entry: RedisStreamEntry) => T;
  /** Entries per XREADGROUP (default 100). */
  readonly count?: number;
  /** BLOCK of each XREADGROUP in ms (default 500): the longest a drain waits for a read in progress. */
  readonly blockMs?: number;
  /** Entries of other consumers idle this long are claimed with XAUTOCLAIM (default 30 000 ms). */
  readonly claimIdleMs?: number;
  /** How often XAUTOCLAIM runs (default: every `claimIdleMs / 2`). */
  readonly claimIntervalMs?: number;
  /** Connection retries before failing (default 5). */
  readonly retries?: number;
}

/** A Redis Streams source: a replayable producer plus the checkpoint-completion hook. */
export interface RedisStreamSource<T> extends Producer<T> {
  /**
   * XACKs every entry emitted up to a checkpoint's position (what `position()` returned
   * at the barrier). Call it only when the checkpoint is complete.
   */
  commitCheckpoint(position: JsonValue | undefined): Promise<void>;
  /** Alias of {@link RedisStreamSource.commitCheckpoint}. */
  onCheckpointComplete(position: JsonValue | undefined): Promise<void>;
}

interface Position {
  readonly last: string;
  readonly seq: number;
}

type XEntries = Array<[string, string[] | null]>;

/**
 * Reads a Redis stream with a consumer group. First it re-delivers this consumer's own
 * pending entries (read but never acknowledged: a crash lost their processing), then new
 * ones with XREADGROUP `>` (BLOCK bounded), and every `claimIntervalMs` it takes over
 * entries a dead consumer left pending longer than `claimIdleMs` (XAUTOCLAIM). Entries
 * are acknowledged (XACK) only by {@link RedisStreamSource.commitCheckpoint}, so an
 * entry is never acknowledged before the checkpoint covering it completes: at-least-once.
 *
 * Position: `{ last, seq }`, the last delivered id and the number of entries emitted;
 * restoring re-delivers the consumer's pending entries (at-least-once).
 *
 * @example
 * ```ts
 * const source = redisStreamSource({ stream: 'events', group: 'billing', consumer: 'worker-1', name: 'events' });
 * const coordinator = new CheckpointCoordinator({ intervalMs: 1000,
 *   // A failed XACK only means redelivery (at-least-once); do not leave the rejection unhandled.
 *   onCheckpointComplete: (meta) => void source.commitCheckpoint(meta.positions['events']).catch((e) => console.warn(e)) });
 * ```
 * @see {@link redisStreamSink}
 */
export function redisStreamSource<T = RedisStreamEntry>(options: RedisStreamSourceOptions<T>): RedisStreamSource<T> {
  validate(options);
  const connection = options.connection ?? 'redis://127.0.0.1:6379';
  // Emitted, not yet acknowledged, in emission order. Emission numbers are consecutive, so
  // `unacked[i]` was emitted as number `firstSeq + i`: no object per entry.
  const unacked: string[] = [];
  let firstSeq = 1;
  let seq = 0;
  let ackConnection: Promise<Redis> | undefined;

  const producer = defineProducer<T>(
    'redisStreamSource',
    { stream: options.stream, group: options.group, consumer: options.consumer },
    options,
    (ctx) => {
      live++;
      return new Reader<T>(options, connection, ctx, {
        closed() {
          if (--live === 0) closeAck();
        },
        emitted(id) {
          seq++;
          unacked.push(id);
        },
        // Only claims and pending re-reads (rare) ask, so no per-entry index is kept.
        unackedSet: () => new Set(unacked),
        seq: () => seq,
      });
    },
  );

  const commitCheckpoint = async (position: JsonValue | undefined): Promise<void> => {
    if (position === undefined) return;
    const p = parsePosition(position);
    let n = Math.min(unacked.length, p.seq - firstSeq + 1);
    if (n <= 0) return;
    const ids = unacked.slice(0, n);
    ackConnection ??= connect(connection, options.retries ?? 5).catch((e: unknown) => {
      ackConnection = undefined;
      throw connectionFailure('redisStreamSource', connection, e);
    });
    const redis = await ackConnection;
    try {
      await whileOpen(redis, redis.xack(options.stream, options.group, ...ids));
    } catch (e) {
      const refused = authFailure(redis);
      if (refused === undefined) throw e;
      // A reconnect was refused (the password changed): that connection is closed for good.
      ackConnection = undefined;
      throw connectionFailure('redisStreamSource', connection, refused);
    }
    // Counted again: a commit that overlapped this one (both waiting on a reconnect) may have
    // removed some already, and removing `n` again would drop entries never acknowledged.
    n = Math.min(unacked.length, p.seq - firstSeq + 1);
    if (n > 0) {
      unacked.splice(0, n);
      firstSeq += n;
    }
    // Between runs keep no idle connection: it would keep the process alive.
    if (live === 0) closeAck();
  };
  let live = 0;
  const closeAck = () => {
    const c = ackConnection;
    ackConnection = undefined;
    void c?.then(disconnect, () => undefined);
  };

  return { ...producer, commitCheckpoint, onCheckpointComplete: commitCheckpoint };
}

function validate<T>(o: RedisStreamSourceOptions<T>): void {
  if (!o || typeof o !== 'object') throw new InvalidArgumentError('redisStreamSource: options must be an object');
  for (const k of ['stream', 'group', 'consumer'] as const) {
    if (typeof o[k] !== 'string' || o[k] === '') throw new InvalidArgumentError(`redisStreamSource: \`${k}\` must be a non-empty string`);
  }
  if (o.decode !== undefined && typeof o.decode !== 'function') throw new InvalidArgumentError('redisStreamSource: `decode` must be a function');
  for (const k of ['count', 'blockMs', 'claimIdleMs', 'claimIntervalMs'] as const) {
    const v = o[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new InvalidArgumentError(`redisStreamSource: \`${k}\` must be a positive integer, got ${String(v)}`);
  }
}

function parsePosition(p: JsonValue): Position {
  const o = p as { last?: unknown; seq?: unknown } | null;
  if (o === null || typeof o !== 'object' || Array.isArray(o) || typeof o.last !== 'string' || typeof o.seq !== 'number') {
    throw new InvalidArgumentError(`redisStreamSource: a position must look like { last: "<id>", seq: <n> }, got ${JSON.stringify(p)}`);
  }
  return { last: o.last, seq: o.seq };
}

interface Ledger {
  closed(): void;
  emitted(id: string): void;
  unackedSet(): ReadonlySet<string>;
  seq(): number;
}

class Reader<T> implements SourceReader<T> {
  private redis: Redis | undefined;
  private starting: Promise<Redis> | undefined;
  private last = '0-0';
  /** '0' cursor while re-delivering own pending entries, then '>' for new ones. */
  private cursor = '0';
  private buffer: RedisStreamEntry[] = [];
  private head = 0;
  private nextClaim: number;
  private claimCursor = '0-0';
  private position_ = 0;
  private readonly decode: (e: RedisStreamEntry) => T;
  private readonly stopped: Promise<void>;

  constructor(
    private readonly o: RedisStreamSourceOptions<T>,
    private readonly connection: RedisConnection,
    private readonly ctx: ProducerContext,
    private readonly ledger: Ledger,
  ) {
    this.decode = o.decode ?? ((e) => e as unknown as T);
    this.nextClaim = ctx.clock.now();
    this.stopped = new Promise((resolve) => {
      if (ctx.signal.aborted) resolve();
      else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }

  position(): JsonValue {
    return { last: this.last, seq: this.ledger.seq() };
  }

  seek(position: JsonValue): void {
    // Restoring re-delivers this consumer's pending entries from the start ('0'): at-least-once.
    this.last = parsePosition(position).last;
  }

  async pull(emit: (item: T) => void, demand: number): Promise<boolean> {
    const redis = this.redis ?? (await this.start());
    while (this.buffer.length - this.head === 0) {
      if (this.ctx.signal.aborted) return true;
      try {
        await this.fill(redis);
      } catch (e) {
        // A reconnect the server refused (the password changed) closed the connection: say so.
        const refused = authFailure(redis);
        throw refused === undefined ? e : connectionFailure('redisStreamSource', this.connection, refused, this.ctx.component);
      }
    }
    let n = 0;
    const t0 = performance.now();
    while (n < demand && this.head < this.buffer.length) {
      // Emitting runs the downstream stages synchronously: stop after ~5 ms so the event loop gets a turn.
      if ((n & 15) === 15 && performance.now() - t0 > 5) break;
      const entry = this.buffer[this.head++]!;
      const item = convertInSource(this.ctx, entry, this.position_++, this.decode, undecodable);
      // Emitted, skipped or dead-lettered: handled, so it is acknowledged with the next checkpoint.
      this.taken(entry);
      if (item !== skippedInput) {
        emit(item);
        n++;
      }
    }
    if (this.head === this.buffer.length) {
      this.buffer = [];
      this.head = 0;
    }
    if (this.cursor === '>' && this.prefetched === undefined && this.buffer.length - this.head < (this.o.count ?? 100) && !this.ctx.signal.aborted) {
      this.prefetched = this.readNew(redis);
    }
    return true;
  }

  async close(): Promise<void> {
    const r = this.redis;
    this.redis = undefined;
    this.ledger.closed();
    // A blocked XREADGROUP would keep quit() waiting: disconnect at once.
    if (r) disconnect(r);
  }

  private taken(entry: RedisStreamEntry): void {
    this.last = maxId(this.last, entry.id);
    this.ledger.emitted(entry.id);
  }

  private start(): Promise<Redis> {
    this.starting ??= (async () => {
      let redis: Redis;
      try {
        redis = await connect(this.connection, this.o.retries ?? 5);
      } catch (e) {
        this.starting = undefined;
        throw connectionFailure('redisStreamSource', this.connection, e, this.ctx.component);
      }
      try {
        await redis.xgroup('CREATE', this.o.stream, this.o.group, this.o.startId ?? '0', 'MKSTREAM');
      } catch (e) {
        if (!String((e as Error).message).startsWith('BUSYGROUP')) {
          redis.disconnect();
          this.starting = undefined;
          throw new StreamWeaveError(`redisStreamSource: cannot create group "${this.o.group}" on "${this.o.stream}"`, {
            component: this.ctx.component,
            cause: e,
          });
        }
      }
      // After a reconnect (a server restart, a dropped connection) the reply of a read in
      // flight may be lost while the server recorded its entries as delivered to us:
      // re-read our pending entries before new ones, skipping those emitted already.
      redis.on('ready', () => {
        this.cursor = '0';
        this.pendingCursor = '0';
      });
      this.redis = redis;
      return redis;
    })();
    return this.starting;
  }

  private async fill(redis: Redis): Promise<void> {
    const { stream, group, consumer } = this.o;
    const count = this.o.count ?? 100;
    const claimIdle = this.o.claimIdleMs ?? 30_000;
    if (this.cursor === '>' && this.ctx.clock.now() >= this.nextClaim) {
      this.nextClaim = this.ctx.clock.now() + (this.o.claimIntervalMs ?? Math.max(1, Math.floor(claimIdle / 2)));
      const [next, entries] = (await whileOpen(redis, redis.xautoclaim(stream, group, consumer, claimIdle, this.claimCursor, 'COUNT', count))) as [string, XEntries, string[]?];
      this.claimCursor = next;
      // Our own entries awaiting their checkpoint are idle too: never re-emit them.
      const mine = this.ledger.unackedSet();
      this.push(entries.filter((e) => e !== null && !mine.has(e[0])));
      if (this.buffer.length > this.head) return;
    }
    if (this.cursor === '0') {
      const res = (await whileOpen(redis, redis.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'STREAMS', stream, this.pendingCursor))) as Array<[string, XEntries]> | null;
      const entries = res?.[0]?.[1] ?? [];
      if (entries.length === 0) {
        this.cursor = '>';
        return;
      }
      this.pendingCursor = entries[entries.length - 1]![0];
      const mine = this.ledger.unackedSet();
      this.push(entries.filter((e) => !mine.has(e[0])));
      return;
    }
    const read = this.prefetched ?? this.readNew(redis);
    this.prefetched = undefined;
    const res = await Promise.race([read, this.stopped.then(() => null)]);
    if (res) this.push(res);
  }

  /** The next XREADGROUP `>` (BLOCK bounded); a rejection is observed by whoever awaits it. */
  private readNew(redis: Redis): Promise<XEntries> {
    const { stream, group, consumer } = this.o;
    const read = whileOpen(redis, redis.xreadgroup('GROUP', group, consumer, 'COUNT', this.o.count ?? 100, 'BLOCK', this.o.blockMs ?? 500, 'STREAMS', stream, '>') as Promise<Array<[string, XEntries]> | null>).then(
      (res) => res?.[0]?.[1] ?? [],
    );
    read.catch(() => undefined);
    return read;
  }

  /**
   * A read started while the previous batch is still being emitted, so the round trip
   * overlaps the pipeline's work. Its entries count as delivered to this consumer (pending)
   * from then on; if the run stops before emitting them they are re-read on the next start.
   */
  private prefetched: Promise<XEntries> | undefined;

  private pendingCursor = '0';

  private push(entries: XEntries): void {
    for (const [id, kv] of entries) {
      const fields: Record<string, string> = {};
      // A pending entry deleted from the stream comes back without fields.
      const list = kv ?? [];
      for (let i = 0; i + 1 < list.length; i += 2) fields[list[i]!] = list[i + 1]!;
      this.buffer.push({ stream: this.o.stream, id, fields });
    }
  }
}

/** Orders stream ids `<ms>-<seq>` numerically without parsing (no leading zeros: longer is larger). */
function compareIds(a: string, b: string): number {
  // Same shape (the common case: ids of one millisecond range): plain string order is numeric order.
  if (a.length === b.length && a.indexOf('-') === b.indexOf('-')) return a === b ? 0 : a < b ? -1 : 1;
  const ai = a.indexOf('-');
  const bi = b.indexOf('-');
  if (ai !== bi) return ai - bi;
  const am = a.slice(0, ai);
  const bm = b.slice(0, bi);
  if (am !== bm) return am < bm ? -1 : 1;
  const as = a.slice(ai + 1);
  const bs = b.slice(bi + 1);
  if (as.length !== bs.length) return as.length - bs.length;
  return as === bs ? 0 : as < bs ? -1 : 1;
}

const maxId = (a: string, b: string) => (compareIds(a, b) >= 0 ? a : b);
