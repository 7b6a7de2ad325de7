/**
 * The execution engine shared by pipelines and graphs: wires node streams along
 * the edges, runs one credit-driven loop per source, and settles the run.
 */
import { Observable, share, type Subscriber } from 'rxjs';
import { systemClock } from '../clock.js';
import type { JsonValue, NodeContext, NodeStats, RunHooks, SourceReader } from '../contracts.js';
import { type DeadLetter, type ErrorStrategy, type NodeStatsSnapshot, PipelineAbortedError, StreamWeaveError } from '../errors.js';
import { type EdgeSpec, type GraphNodeSpec, outputPorts, inputPorts } from '../graph/model.js';
import { alignedMerge } from '../internal/alignedMerge.js';
import { CreditPool, currentEmittedAt, setEmittedAt, takeAmbientHold, withAmbientPool } from '../internal/credit.js';
import { LazyAbort, lazyKey } from '../internal/lazyAbort.js';
import { macrotask } from '../internal/macrotask.js';
import { createOutlet, type Outlet } from '../internal/outlet.js';
import { type CheckpointBarrier, type Element, endOfStream, isCheckpointBarrier, isSignal } from '../signals.js';
import { resolveFailure } from './errorPolicy.js';
import type { RunHandle, RunOptions, RunResult, RunStatus } from './run.js';

const defaultStrategy: ErrorStrategy = { kind: 'stop' };
/** Longest a synchronous source may run before yielding to the event loop. */
const yieldAfterMs = 8;
/**
 * Reason given when a run stops its sources (every run does, once its sinks are
 * done). One shared instance: `abort()` without a reason builds a DOMException,
 * stack trace included, which was a tenth of a short run's start-up cost.
 */
let sourcesStopped: unknown;

/** Starts a run of validated nodes (in topological order). @internal */
export function startRun(
  order: readonly GraphNodeSpec[],
  edges: readonly EdgeSpec[],
  options: RunOptions = {},
): RunHandle<ReadonlyMap<string, unknown>> {
  const clock = options.clock ?? systemClock;
  const hooks = activeHooks(options.hooks);
  const window = options.creditWindow ?? 1024;
  if (!Number.isInteger(window) || window < 1) {
    throw new StreamWeaveError(`run: creditWindow must be a positive integer, got ${String(options.creditWindow)}`);
  }
  const random = options.random ?? Math.random;
  // Abort flags whose AbortSignals exist only if a node reads `ctx.signal`.
  const cancelController = new LazyAbort();
  const sourceStop = new LazyAbort();
  const statsById = new Map<string, NodeStats>();
  const pools: CreditPool[] = [];
  let status: RunStatus = 'completed';
  let settled = false;

  // Dead-letter route. It is a consumer outside the graph, so barriers do not reach it along
  // an edge: the run hands it barrier n once every running sink has handled n (by then every
  // item before n has been routed, wherever it failed), and reports n at the sinks to the
  // checkpoint listener only once the route has handled it too. A coordinator therefore never
  // completes a checkpoint (and commits source offsets past a dead-lettered item) before the
  // dead letters routed ahead of its barrier are written.
  let deadLetterTarget: Subscriber<Element<DeadLetter>> | undefined;
  let deadLetterDone: Promise<unknown> | undefined;
  let deadLetterFailure: { error: unknown } | undefined;
  const deadLetterQueue: Array<Element<DeadLetter>> = [];
  let sendDeadLetter: ((letter: DeadLetter) => void) | undefined;
  let deadLetterGate: DeadLetterGate | undefined;
  if (options.deadLetter) {
    const consumer = options.deadLetter;
    const send = (el: Element<DeadLetter>) => {
      if (deadLetterTarget) deadLetterTarget.next(el);
      else deadLetterQueue.push(el);
    };
    const gate = (deadLetterGate = new DeadLetterGate(send, options.checkpoints));
    const selfReporting = consumer.acknowledgesBarriers === true;
    // The route's own strategy, or stop: a dead letter that cannot be written must fail the run,
    // not be skipped or routed to itself under the strategy the run gives its items.
    const ctx = makeContext('$deadLetter', consumer.descriptor, consumer.errors ?? defaultStrategy, undefined, selfReporting ? (b) => gate.handled(b) : undefined);
    let input = new Observable<Element<DeadLetter>>((sub) => {
      deadLetterTarget = sub;
      for (const l of deadLetterQueue.splice(0)) sub.next(l);
    });
    if (!selfReporting) input = reportingBarriers(input, (b) => gate.handled(b)) as Observable<Element<DeadLetter>>;
    deadLetterDone = consumer.consume(input, ctx);
    // A failed route fails the run now, not when the sinks are done.
    deadLetterDone.catch((error: unknown) => {
      deadLetterFailure ??= { error };
      cancel(error);
    });
    sendDeadLetter = send;
  }

  function makeContext(
    id: string,
    descriptor: GraphNodeSpec['impl']['descriptor'],
    own: ErrorStrategy | undefined,
    abort: LazyAbort = cancelController,
    acknowledgeBarrier?: (barrier: CheckpointBarrier) => void,
  ): NodeContext {
    const stats: NodeStats = { in: 0, out: 0, errors: 0, skipped: 0 };
    statsById.set(id, stats);
    const component = { id, type: descriptor.type };
    const failureContext = {
      component,
      strategy: own ?? options.errors ?? defaultStrategy,
      stats,
      hooks,
      deadLetter: id === '$deadLetter' ? undefined : sendDeadLetter,
      random,
    };
    const ctx = new RunNodeContext(id, descriptor, component, clock, abort, stats, hooks, failureContext, options.extensions ?? {});
    if (acknowledgeBarrier) ctx.acknowledgeBarrier = acknowledgeBarrier;
    return ctx;
  }

  // Wire every node's streams in topological order.
  const outputs = new Map<string, Observable<Element<unknown>>>();
  const fanOut = new Map<string, number>();
  for (const e of edges) {
    const key = `${e.from.node}.${e.from.port}`;
    fanOut.set(key, (fanOut.get(key) ?? 0) + 1);
  }
  const inputOf = (node: string, port: string): Observable<Element<unknown>> =>
    alignedMerge(edges.filter((e) => e.to.node === node && e.to.port === port).map((e) => outputs.get(`${e.from.node}.${e.from.port}`)!));
  const publish = (node: string, port: string, stream: Observable<Element<unknown>>, multicast: boolean) => {
    const key = `${node}.${port}`;
    outputs.set(key, multicast && (fanOut.get(key) ?? 0) > 1 ? stream.pipe(share()) : stream);
  };

  const sources: Array<{ spec: GraphNodeSpec & { kind: 'producer' }; subject: Outlet<Element<unknown>>; ctx: NodeContext }> = [];
  const sinks: Array<{ id: string; done: Promise<unknown> }> = [];
  for (const spec of order) {
    switch (spec.kind) {
      case 'producer': {
        const ctx = makeContext(spec.id, spec.impl.descriptor, spec.impl.errors, sourceStop);
        const subject = createOutlet<Element<unknown>>();
        sources.push({ spec, subject, ctx });
        publish(spec.id, 'out', withHooks(spec.id, subject.observable, hooks, 'out'), false);
        break;
      }
      case 'transformer': {
        const ctx = makeContext(spec.id, spec.impl.descriptor, spec.impl.errors);
        let input = inputOf(spec.id, 'in');
        if (!spec.impl.countsItself) input = counting(input, ctx.stats, 'in');
        input = withHooks(spec.id, input, hooks, 'in');
        let output = spec.impl.apply(input, ctx);
        if (!spec.impl.countsItself) output = counting(output, ctx.stats, 'out');
        publish(spec.id, 'out', withHooks(spec.id, output, hooks, 'out'), true);
        break;
      }
      case 'multi': {
        const ctx = makeContext(spec.id, spec.impl.descriptor, spec.impl.errors);
        const ins: Record<string, Observable<Element<unknown>>> = {};
        for (const p of inputPorts(spec)) ins[p] = withHooks(spec.id, inputOf(spec.id, p), hooks, 'in');
        const outs = spec.impl.applyPorts(ins, ctx);
        for (const p of outputPorts(spec)) {
          const stream = outs[p];
          if (!stream) throw new StreamWeaveError(`node "${spec.id}" did not produce its declared output port "${p}"`);
          publish(spec.id, p, withHooks(spec.id, stream, hooks, 'out'), true);
        }
        break;
      }
      case 'consumer': {
        const onSinkBarrier = options.checkpoints?.onSinkBarrier;
        const gate = deadLetterGate;
        const report = gate
          ? (b: CheckpointBarrier) => gate.sinkHandled(spec.id, b)
          : onSinkBarrier
            ? (b: CheckpointBarrier) => onSinkBarrier.call(options.checkpoints, spec.id, b)
            : undefined;
        const selfReporting = report !== undefined && spec.impl.acknowledgesBarriers === true;
        const ctx = makeContext(spec.id, spec.impl.descriptor, spec.impl.errors, undefined, selfReporting ? report : undefined);
        let input = withHooks(spec.id, inputOf(spec.id, 'in'), hooks, 'in');
        const onLatency = hooks?.onLatency;
        if (onLatency) input = measuringLatency(input, (ms) => onLatency.call(hooks, spec.id, ms), clock);
        if (report && !selfReporting) input = reportingBarriers(input, report);
        const done = spec.impl.consume(input, ctx);
        const onSinkEnd = options.checkpoints?.onSinkEnd;
        if (gate) {
          gate.sinkStarted(spec.id);
          done.then(
            () => gate.sinkEnded(spec.id, true),
            () => gate.sinkEnded(spec.id, false),
          );
        } else if (onSinkEnd) done.then(() => onSinkEnd.call(options.checkpoints, spec.id), () => undefined);
        sinks.push({ id: spec.id, done });
        break;
      }
    }
  }

  const snapshot = (): Readonly<Record<string, NodeStatsSnapshot>> => {
    const out: Record<string, NodeStatsSnapshot> = {};
    for (const [id, s] of statsById) out[id] = { in: s.in, out: s.out, errors: s.errors, skipped: s.skipped };
    return out;
  };

  const stopSources = () => {
    if (!sourceStop.aborted) sourceStop.abort((sourcesStopped ??= new DOMException('the run stopped its sources', 'AbortError')));
    for (const p of pools) p.wake();
  };
  const cancel = (reason?: unknown) => {
    if (settled) return;
    stopSources();
    // Like AbortController.abort(): no reason means an AbortError.
    if (!cancelController.aborted) cancelController.abort(reason ?? new DOMException('This operation was aborted', 'AbortError'));
  };
  const onExternalAbort = () => cancel(options.signal?.reason);
  options.signal?.addEventListener('abort', onExternalAbort, { once: true });

  // Start sources only now: every consumer has subscribed.
  if (options.signal?.aborted) cancel(options.signal.reason);
  const barrierTargets: Array<(barrier: CheckpointBarrier) => boolean> = [];
  const sourceRuns = sources.map(({ spec, subject, ctx }) => {
    const pool = new CreditPool(window);
    pools.push(pool);
    return runSource(
      spec.impl.open.bind(spec.impl),
      subject,
      ctx,
      pool,
      sourceStop,
      cancelController,
      hooks,
      options.restore?.positions[spec.id],
      (inject) => barrierTargets.push(inject),
      (barrier, position) => options.checkpoints?.onSourceBarrier?.(spec.id, barrier, position),
      (position) => options.checkpoints?.onSourceEnd?.(spec.id, position),
    );
  });

  const result = (async (): Promise<RunResult<ReadonlyMap<string, unknown>>> => {
    try {
      // One sink and one source (a pipeline) are awaited directly: fewer promises per short run.
      const results = sinks.length === 1 ? [await sinks[0]!.done] : await Promise.all(sinks.map((s) => s.done));
      // Every sink is done (some operator, such as take, may have ended early): stop the sources.
      stopSources();
      if (sourceRuns.length === 1) await sourceRuns[0];
      else await Promise.all(sourceRuns);
      deadLetterTarget?.complete();
      if (!deadLetterTarget && deadLetterDone) {
        deadLetterTarget = undefined;
      }
      const deadLetterResult = deadLetterDone ? await completeDeadLetter() : undefined;
      const map = new Map<string, unknown>();
      sinks.forEach((s, i) => map.set(s.id, results[i]));
      return {
        result: map,
        stats: snapshot(),
        status,
        ...(deadLetterDone ? { deadLetter: deadLetterResult } : {}),
      };
    } catch (error) {
      const wasCancelled = cancelController.aborted;
      cancel(error);
      await Promise.allSettled(sourceRuns);
      deadLetterTarget?.complete();
      if (deadLetterDone) await deadLetterDone.catch(() => undefined);
      // The run was cancelled because its dead-letter route failed: that failure is the cause.
      if (deadLetterFailure) throw deadLetterFailure.error;
      if (wasCancelled && !(error instanceof PipelineAbortedError)) {
        const aborted = new PipelineAbortedError(cancelController.reason);
        aborted.stats = snapshot();
        throw aborted;
      }
      if (error instanceof PipelineAbortedError) error.stats = snapshot();
      throw error;
    } finally {
      settled = true;
      options.signal?.removeEventListener('abort', onExternalAbort);
    }
  })();

  async function completeDeadLetter(): Promise<unknown> {
    deadLetterTarget?.complete();
    return deadLetterDone;
  }

  return {
    result,
    drain() {
      if (settled) return;
      status = 'drained';
      stopSources();
    },
    cancel,
    stats: snapshot,
    injectBarrier(barrier) {
      const took: string[] = [];
      barrierTargets.forEach((inject, i) => {
        if (inject(barrier)) took.push(sources[i]!.spec.id);
      });
      return took;
    },
  };
}

/**
 * The context the runtime gives a node. A class, so that its `signal` can be a
 * getter (the AbortSignal is made on first read) without the slow path an
 * accessor in an object literal takes.
 */
class RunNodeContext implements NodeContext {
  acknowledgeBarrier?: (barrier: CheckpointBarrier) => void;
  readonly hold = takeAmbientHold;
  readonly [lazyKey]: LazyAbort;

  constructor(
    readonly id: string,
    readonly descriptor: GraphNodeSpec['impl']['descriptor'],
    readonly component: { readonly id: string; readonly type: string },
    readonly clock: NodeContext['clock'],
    abort: LazyAbort,
    readonly stats: NodeStats,
    readonly hooks: RunHooks | undefined,
    failure: Parameters<typeof resolveFailure>[0],
    readonly extensions: Readonly<Record<string, unknown>>,
  ) {
    this[lazyKey] = abort;
    // An own function, so that `const { fail } = ctx` keeps working.
    this.fail = (cause, item, position, attempt) => resolveFailure(failure, cause, item, position, attempt);
  }

  readonly fail: NodeContext['fail'];

  get signal(): AbortSignal {
    return this[lazyKey].signal;
  }
}

async function runSource(
  open: (ctx: NodeContext) => SourceReader<unknown>,
  subject: Outlet<Element<unknown>>,
  ctx: NodeContext,
  pool: CreditPool,
  stop: LazyAbort,
  cancelled: LazyAbort,
  hooks: RunHooks | undefined,
  restorePosition: JsonValue | undefined,
  registerBarrierTarget: (inject: (barrier: CheckpointBarrier) => boolean) => void,
  onBarrier: (barrier: CheckpointBarrier, position: JsonValue | undefined) => void,
  onEnd: (position: JsonValue | undefined) => void,
): Promise<void> {
  const stats = ctx.stats;
  let live = false;
  let inPull = false;
  // Plain flags instead of AbortSignal.aborted getters on the per-item path.
  let isCancelled = cancelled.aborted;
  cancelled.onAbort(() => (isCancelled = true));
  const stampLatency = hooks?.onLatency !== undefined;
  const emit = (el: Element<unknown>) => {
    if (isCancelled) return;
    if (!isSignal(el)) stats.out++;
    if (stampLatency) setEmittedAt(ctx.clock.now());
    if (inPull) subject.next(el);
    else withAmbientPool(pool, () => subject.next(el));
  };
  let reader: SourceReader<unknown>;
  try {
    reader = open(ctx);
  } catch (e) {
    const error = new StreamWeaveError('failed to open source', { component: ctx.component, cause: e });
    subject.error(error);
    return;
  }
  let attempt = 1;
  let lastYield = Date.now();
  // JavaScript is single-threaded, so an injected barrier always falls between two
  // emitted items: the reader's position is exactly "after the last emitted item".
  registerBarrierTarget((barrier) => {
    if (!live) return false;
    onBarrier(barrier, reader.position?.());
    withAmbientPool(pool, () => subject.next(barrier));
    return true;
  });
  try {
    // Start on a later microtask: start() returns its handle before any item flows.
    await Promise.resolve();
    if (restorePosition !== undefined) {
      if (!reader.seek) {
        throw new StreamWeaveError('cannot restore a position: this source is not replayable (its reader has no seek())', {
          component: ctx.component,
        });
      }
      await reader.seek(restorePosition);
    }
    live = true;
    while (!stop.aborted) {
      // Checked every turn, also after a failed pull the strategy skipped: a source that keeps
      // failing must not starve timers and I/O.
      if (Date.now() - lastYield > yieldAfterMs) {
        await macrotask();
        lastYield = Date.now();
        continue;
      }
      if (pool.available <= 0) {
        const t0 = hooks?.onBackpressure ? Date.now() : 0;
        await pool.whenAvailable();
        if (hooks?.onBackpressure) hooks.onBackpressure(ctx.id, Date.now() - t0);
        continue;
      }
      let more: boolean;
      try {
        const r = withAmbientPool(pool, () => {
          inPull = true;
          try {
            return reader.pull(emit, pool.available);
          } finally {
            inPull = false;
          }
        });
        more = typeof r === 'boolean' ? r : await r;
      } catch (e) {
        inPull = false;
        if (stop.aborted) break;
        const decision = ctx.fail(e, undefined, stats.out, attempt);
        if (decision.action === 'stop') {
          subject.error(decision.error);
          return;
        }
        if (decision.action === 'retry') {
          await sleep(ctx, decision.delayMs, stop);
          attempt++;
        } else {
          attempt = 1;
        }
        continue;
      }
      attempt = 1;
      if (more === false) break;
    }
    live = false;
    if (cancelled.aborted) return;
    onEnd(reader.position?.());
    withAmbientPool(pool, () => {
      subject.next(endOfStream);
      subject.complete();
    });
  } catch (e) {
    live = false;
    subject.error(e instanceof StreamWeaveError ? e : new StreamWeaveError('source failed', { component: ctx.component, cause: e }));
  } finally {
    live = false;
    try {
      await reader.close?.();
    } catch {
      // A failing close must not hide the run's outcome; the reader is gone either way.
    }
  }
}

function sleep(ctx: NodeContext, ms: number, stop: LazyAbort): Promise<void> {
  return new Promise((resolve) => {
    const cancelTimer = ctx.clock.schedule(() => {
      offStop();
      resolve();
    }, ms);
    const offStop = stop.onAbort(() => {
      cancelTimer();
      resolve();
    });
  });
}

function counting(stream: Observable<Element<unknown>>, stats: NodeStats, field: 'in' | 'out'): Observable<Element<unknown>> {
  return new Observable((sub) =>
    stream.subscribe({
      next(el) {
        if (!isSignal(el)) stats[field]++;
        sub.next(el);
      },
      error: (e: unknown) => sub.error(e),
      complete: () => sub.complete(),
    }),
  );
}

function activeHooks(h: RunHooks | undefined): RunHooks | undefined {
  if (!h) return undefined;
  return h.onItemIn || h.onItemOut || h.onError || h.onBackpressure || h.onSignal || h.onLatency ? h : undefined;
}

function withHooks(
  nodeId: string,
  stream: Observable<Element<unknown>>,
  hooks: RunHooks | undefined,
  side: 'in' | 'out',
): Observable<Element<unknown>> {
  // Without listeners the stream is returned untouched: instrumentation costs nothing.
  if (!hooks) return stream;
  const onItem = side === 'in' ? hooks.onItemIn : hooks.onItemOut;
  const onSignal = side === 'out' ? hooks.onSignal : undefined;
  if (!onItem && !onSignal) return stream;
  return new Observable((sub) =>
    stream.subscribe({
      next(el) {
        if (isSignal(el)) onSignal?.(nodeId, el);
        else onItem?.(nodeId, el);
        sub.next(el);
      },
      error: (e: unknown) => sub.error(e),
      complete: () => sub.complete(),
    }),
  );
}

function reportingBarriers(
  stream: Observable<Element<unknown>>,
  report: (barrier: CheckpointBarrier) => void,
): Observable<Element<unknown>> {
  return new Observable((sub) =>
    stream.subscribe({
      next(el) {
        sub.next(el);
        if (isCheckpointBarrier(el)) report(el);
      },
      error: (e: unknown) => sub.error(e),
      complete: () => sub.complete(),
    }),
  );
}

function measuringLatency(
  stream: Observable<Element<unknown>>,
  report: (latencyMs: number) => void,
  clock: { now(): number },
): Observable<Element<unknown>> {
  return new Observable((sub) =>
    stream.subscribe({
      next(el) {
        if (!isSignal(el)) report(clock.now() - currentEmittedAt());
        sub.next(el);
      },
      error: (e: unknown) => sub.error(e),
      complete: () => sub.complete(),
    }),
  );
}

/**
 * Orders checkpoint barriers between the sinks and the dead-letter route (see startRun): the
 * route gets barrier n once every running sink has handled it, and the checkpoint listener
 * hears of n at the sinks (or of a sink's end) only after the route has handled n.
 */
class DeadLetterGate {
  private readonly running = new Set<string>();
  /** Barriers some sink has handled and the route has not, by checkpoint id (in arrival order). */
  private readonly open = new Map<number, { readonly barrier: CheckpointBarrier; readonly sinks: Set<string>; sent: boolean; readonly held: Array<() => void> }>();

  constructor(
    private readonly send: (el: Element<DeadLetter>) => void,
    private readonly listener: RunOptions['checkpoints'],
  ) {}

  sinkStarted(id: string): void {
    this.running.add(id);
  }

  sinkHandled(id: string, barrier: CheckpointBarrier): void {
    let o = this.open.get(barrier.checkpointId);
    if (!o) this.open.set(barrier.checkpointId, (o = { barrier, sinks: new Set(), sent: false, held: [] }));
    o.sinks.add(id);
    const listener = this.listener;
    if (listener?.onSinkBarrier) o.held.push(() => listener.onSinkBarrier!(id, barrier));
    this.forward();
  }

  sinkEnded(id: string, completed: boolean): void {
    this.running.delete(id);
    const report = completed && this.listener?.onSinkEnd ? () => this.listener!.onSinkEnd!(id) : undefined;
    // A barrier still open at the route may cover dead letters of this sink: its end waits too.
    const last = [...this.open.values()].pop();
    if (report) {
      if (last) last.held.push(report);
      else report();
    }
    this.forward();
  }

  /** The route handled `barrier`: everything routed before it is written. */
  handled(barrier: CheckpointBarrier): void {
    const o = this.open.get(barrier.checkpointId);
    if (!o) return;
    this.open.delete(barrier.checkpointId);
    for (const release of o.held) release();
  }

  private forward(): void {
    for (const o of this.open.values()) {
      if (o.sent || ![...this.running].every((s) => o.sinks.has(s))) continue;
      o.sent = true;
      this.send(o.barrier);
    }
  }
}
