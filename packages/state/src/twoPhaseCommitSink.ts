import {
  type Consumer,
  describeNode,
  isCheckpointBarrier,
  isEndOfStream,
  isSignal,
  type JsonValue,
  type NodeContext,
  type NodeOptions,
  StreamWeaveError,
  type Element,
} from '@streamweave/core';
import type { StateSnapshot } from './backends/stateBackend.js';
import { stateRuntimeOf } from './internal/stateRuntime.js';

/**
 * The two-phase-commit contract of an exactly-once sink (Flink's TwoPhaseCommitSinkFunction).
 * A transaction handle is plain JSON: it is stored in the checkpoint, so a restarted
 * process can still commit (or abort) it.
 */
export interface TwoPhaseCommitHandler<T, Txn extends JsonValue> {
  /** Opens transaction number `seq` (deterministic: a replay after restore reuses the numbers). */
  beginTransaction(seq: number): Txn | Promise<Txn>;
  /** Writes one item into `txn`. */
  write(txn: Txn, item: T): void | Promise<void>;
  /** On a barrier: flush and make `txn` durable, but not visible. */
  preCommit(txn: Txn): void | Promise<void>;
  /** The checkpoint covering `txn` is complete: make it visible. Must be idempotent (it is repeated after a restore). */
  commit(txn: Txn): void | Promise<void>;
  /** Discards `txn` (failure, cancellation). */
  abort(txn: Txn): void | Promise<void>;
  /**
   * After a restore, once the restored pre-committed transactions were committed: discard
   * leftovers of transactions numbered `nextSeq` or more (they belonged to the lost attempt).
   */
  recover?(nextSeq: number): void | Promise<void>;
}

/** What a two-phase-commit sink resolves to. */
export interface TwoPhaseCommitResult {
  /** Items written by this run. */
  readonly records: number;
  /** Transactions opened by this run. */
  readonly transactions: number;
}

interface PendingTxn<Txn> {
  readonly checkpoint: number | 'end';
  readonly seq: number;
  readonly txn: Txn;
}

/**
 * Builds an exactly-once sink from a {@link TwoPhaseCommitHandler}: a transaction
 * begins with the first item after a barrier, is pre-committed when the barrier
 * arrives, and is committed only when the coordinator reports the checkpoint
 * complete. On restore the checkpoint's pre-committed transactions are committed
 * again (idempotently) and the lost attempt's leftovers are discarded. Without a
 * coordinator, transactions commit at end of input.
 *
 * @example
 * ```ts
 * const sink = twoPhaseCommitSink('tableSink', {}, { name: 'out' }, () => ({
 *   beginTransaction: (seq) => ({ seq }), write: (t, x) => stage(t.seq, x),
 *   preCommit: (t) => flush(t.seq), commit: (t) => publish(t.seq), abort: (t) => drop(t.seq),
 * }));
 * ```
 * @see {@link CheckpointCoordinator}, {@link idempotentSink}
 */
export function twoPhaseCommitSink<T, Txn extends JsonValue>(
  type: string,
  params: Record<string, unknown>,
  options: NodeOptions | undefined,
  open: (ctx: NodeContext) => TwoPhaseCommitHandler<T, Txn>,
): Consumer<T, TwoPhaseCommitResult> {
  return {
    descriptor: describeNode('consumer', type, params, options),
    ...(options?.errors ? { errors: options.errors } : {}),
    consume(input, ctx) {
      return new Promise<TwoPhaseCommitResult>((resolve, reject) => {
        const handler = open(ctx);
        const runtime = stateRuntimeOf(ctx);
        let current: { seq: number; txn: Txn } | undefined;
        let pending: Array<PendingTxn<Txn>> = [];
        let nextSeq = 0;
        let records = 0;
        let transactions = 0;
        let finished = false;
        // Set when the run fails or is cancelled: from then on only a restore may commit.
        let failed = false;
        const queue: Array<{ el: Element<T> | typeof completeMark; release: () => void }> = [];
        let busy = false;
        // Commits triggered by the coordinator, in order (see enqueueCommit).
        let commitChain: Promise<void> = Promise.resolve();

        const snapshot = (): StateSnapshot => [
          ['txn', JSON.stringify({ nextSeq, pending: pending.map((p) => ({ seq: p.seq, txn: p.txn })) })],
        ];
        const fail = (e: unknown) => {
          if (finished) return;
          finished = true;
          failed = true;
          ctx.signal.removeEventListener('abort', onAbort);
          subscription?.unsubscribe();
          for (const q of queue.splice(0)) q.release();
          const txn = current?.txn;
          current = undefined;
          // Best effort: the lost attempt's leftovers are also discarded by recover() on restore.
          Promise.resolve(txn === undefined ? undefined : handler.abort(txn)).catch(() => undefined);
          const error = e instanceof StreamWeaveError ? e : new StreamWeaveError('two-phase-commit sink failed', { component: ctx.component, cause: e });
          // A commit already under way finishes before the run settles, so nothing touches the output afterwards.
          const settle = () => reject(error);
          commitChain.then(settle, settle);
        };
        const commitUpTo = async (checkpointId: number, all: boolean) => {
          const due = pending.filter((p) => all || (p.checkpoint !== 'end' && p.checkpoint <= checkpointId));
          pending = pending.filter((p) => !due.includes(p));
          for (const p of due) await handler.commit(p.txn);
        };
        const preCommit = async (): Promise<void> => {
          if (!current) return;
          const c = current;
          current = undefined;
          await handler.preCommit(c.txn);
          return void pending.push({ checkpoint: -1, seq: c.seq, txn: c.txn });
        };
        const tag = (checkpoint: number | 'end') => {
          pending = pending.map((p) => (p.checkpoint === -1 ? { ...p, checkpoint } : p));
        };

        const handle = (el: Element<T> | typeof completeMark): void | Promise<void> => {
          if (el === completeMark) {
            return (async () => {
              if (!runtime) {
                await preCommit();
                tag('end');
                await commitUpTo(Infinity, true);
              }
              finished = true;
              ctx.signal.removeEventListener('abort', onAbort);
              resolve({ records, transactions });
            })();
          }
          if (isSignal(el)) {
            if (isCheckpointBarrier(el) || isEndOfStream(el)) {
              if (!runtime) return;
              const id = isCheckpointBarrier(el) ? el.checkpointId : ('end' as const);
              const done = preCommit().then(() => {
                tag(id);
                return snapshot();
              });
              runtime.snapshotTaken(ctx.id, id, done);
              return done.then(() => undefined);
            }
            return;
          }
          records++;
          ctx.stats.in++;
          if (!current) {
            const seq = nextSeq++;
            transactions++;
            const t = handler.beginTransaction(seq);
            if (t instanceof Promise) {
              return t.then((txn) => {
                current = { seq, txn };
                return handler.write(txn, el);
              });
            }
            current = { seq, txn: t };
          }
          return handler.write(current.txn, el);
        };
        const pump = () => {
          while (!busy && queue.length > 0 && !finished) {
            const next = queue.shift()!;
            let r: void | Promise<void>;
            try {
              r = handle(next.el);
            } catch (e) {
              next.release();
              fail(e);
              return;
            }
            if (r instanceof Promise) {
              busy = true;
              r.then(
                () => {
                  next.release();
                  busy = false;
                  pump();
                },
                (e: unknown) => {
                  next.release();
                  fail(e);
                },
              );
            } else next.release();
          }
        };
        const enqueue = (el: Element<T> | typeof completeMark) => {
          if (finished) return;
          const hold = !busy && queue.length === 0 ? undefined : ctx.hold();
          queue.push({ el, release: () => hold?.release() });
          pump();
        };

        if (runtime) {
          runtime.register({
            id: ctx.id,
            type: ctx.descriptor.type,
            notifyComplete: (checkpointId) => enqueueCommit(checkpointId),
          });
        }
        // Commits triggered by the coordinator run outside the element queue: they touch only
        // pre-committed transactions, never the open one.
        const enqueueCommit = (checkpointId: number) => {
          // After a failure the pre-committed transactions stay as they are: the restored run commits
          // them (committing here would race the restart, and could commit a transaction whose
          // checkpoint never completed).
          if (failed) return commitChain;
          // The final checkpoint (taken after end of input) commits everything, 'end' included.
          const all = finished;
          commitChain = commitChain.then(() => commitUpTo(checkpointId, all));
          return commitChain;
        };

        // Restore: commit what the checkpoint pre-committed, then drop the lost attempt's leftovers.
        const restored = runtime?.restored(ctx.id);
        if (restored) {
          const entry = restored.find(([k]) => k === 'txn');
          const parsed = JSON.parse(entry?.[1] ?? '{"nextSeq":0,"pending":[]}') as { nextSeq: number; pending: Array<{ seq: number; txn: Txn }> };
          nextSeq = parsed.nextSeq;
          busy = true;
          (async () => {
            for (const p of parsed.pending) await handler.commit(p.txn);
            await handler.recover?.(nextSeq);
          })().then(
            () => {
              busy = false;
              pump();
            },
            (e: unknown) => fail(new StreamWeaveError('could not commit the restored transactions', { component: ctx.component, cause: e })),
          );
        } else if (runtime && handler.recover) {
          busy = true;
          Promise.resolve(handler.recover(0)).then(
            () => {
              busy = false;
              pump();
            },
            (e: unknown) => fail(e),
          );
        }

        const onAbort = () => fail(ctx.signal.reason ?? new StreamWeaveError('run cancelled', { component: ctx.component }));
        ctx.signal.addEventListener('abort', onAbort, { once: true });
        // eslint-disable-next-line prefer-const
        let subscription: { unsubscribe(): void } | undefined;
        subscription = input.subscribe({
          next: (el) => enqueue(el),
          error: (e: unknown) => fail(e),
          complete: () => enqueue(completeMark),
        });
        if (finished) subscription.unsubscribe();
      });
    },
  };
}

const completeMark: unique symbol = Symbol('complete');

/**
 * The transaction API for pipelines: turns a {@link TwoPhaseCommitHandler} (or a
 * factory of one per run) into an exactly-once sink node driven by the coordinator.
 *
 * @example
 * ```ts
 * const staged = new Map<number, string[]>();
 * const published: string[] = [];
 * const sink = transactionalSink<string, number>({
 *   beginTransaction: (seq) => (staged.set(seq, []), seq),
 *   write: (seq, x) => void staged.get(seq)!.push(x),
 *   preCommit: () => undefined,
 *   commit: (seq) => { published.push(...(staged.get(seq) ?? [])); staged.delete(seq); },
 *   abort: (seq) => void staged.delete(seq),
 * }, { name: 'published' });
 * ```
 * @see {@link twoPhaseCommitSink}, {@link CheckpointCoordinator}
 */
export function transactionalSink<T, Txn extends JsonValue>(
  handler: TwoPhaseCommitHandler<T, Txn> | ((ctx: NodeContext) => TwoPhaseCommitHandler<T, Txn>),
  options?: NodeOptions,
): Consumer<T, TwoPhaseCommitResult> {
  return twoPhaseCommitSink('transactionalSink', {}, options, typeof handler === 'function' ? handler : () => handler);
}
