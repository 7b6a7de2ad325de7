/**
 * The linear, type-state pipeline builder: `pipeline().from(p).pipe(t)….to(c)`.
 * Each step returns a builder that only offers the calls valid next, and `pipe`
 * only accepts a transformer whose input type matches the current item type.
 */
import type { Observable } from 'rxjs';
import type { Consumer, Producer, Transformer } from './contracts.js';
import { InvalidArgumentError } from './errors.js';
import { type EdgeSpec, type GraphDescription, type GraphNodeSpec, inputPorts, outputPorts } from './graph/model.js';
import { describeGraph, validateGraph } from './graph/validate.js';
import { startRun } from './runtime/execute.js';
import type { RunHandle, RunOptions, RunResult } from './runtime/run.js';
import { observeRun } from './runtime/observe.js';

/**
 * An empty pipeline: the only valid next step is {@link EmptyPipeline.from}.
 */
export interface EmptyPipeline {
  /** Sets the source. */
  from<T>(producer: Producer<T>): SourcedPipeline<T>;
}

/**
 * A pipeline with a source whose items have type T.
 */
export interface SourcedPipeline<T> {
  /** Appends a transformer that accepts T. */
  pipe<O>(transformer: Transformer<T, O>): SourcedPipeline<O>;
  /** Sets the sink; the pipeline can then run. */
  to<R>(consumer: Consumer<T, R>): RunnablePipeline<R>;
  /**
   * A cold Observable of the pipeline's data items: each subscription starts a
   * run; unsubscribing cancels it.
   */
  observe(options?: Omit<RunOptions, 'signal'>): Observable<T>;
}

/**
 * A complete pipeline.
 */
export interface RunnablePipeline<R> {
  /** Runs to completion (or drain/cancel through the signal) and resolves with the result and per-node stats. */
  run(options?: RunOptions): Promise<RunResult<R>>;
  /** Starts a run and returns its handle (drain, cancel, live stats). */
  start(options?: RunOptions): RunHandle<R>;
  /** Plain-data description: nodes (id, kind, type, params, ports) and edges. */
  describe(): GraphDescription;
}

interface Step {
  readonly kind: 'producer' | 'transformer' | 'consumer';
  readonly impl: GraphNodeSpec['impl'];
}

/**
 * Starts a pipeline.
 *
 * @example
 * ```ts
 * const { result, stats } = await pipeline()
 *   .from(fromArray([1, 2, 3]))
 *   .pipe(map((x) => x * 2))
 *   .to(collect())
 *   .run();
 * // result: [2, 4, 6]; stats.map: { in: 3, out: 3, errors: 0, skipped: 0 }
 * ```
 * @see {@link graph} for fan-in and fan-out.
 */
export function pipeline(): EmptyPipeline {
  return {
    from<T>(producer: Producer<T>): SourcedPipeline<T> {
      assertNode('pipeline().from', producer, 'producer');
      return sourced<T>([{ kind: 'producer', impl: producer as Producer<unknown> }]);
    },
  };
}

function sourced<T>(steps: readonly Step[]): SourcedPipeline<T> {
  return {
    pipe<O>(transformer: Transformer<T, O>): SourcedPipeline<O> {
      assertNode('pipe', transformer, 'transformer');
      return sourced<O>([...steps, { kind: 'transformer', impl: transformer as Transformer<unknown, unknown> }]);
    },
    to<R>(consumer: Consumer<T, R>): RunnablePipeline<R> {
      assertNode('to', consumer, 'consumer');
      return runnable<R>([...steps, { kind: 'consumer', impl: consumer as Consumer<unknown, unknown> }]);
    },
    observe(options) {
      return observeRun<T>((sink, signal) => {
        const p = runnable<void>([...steps, { kind: 'consumer', impl: sink as Consumer<unknown, unknown> }]);
        return p.run({ ...options, signal });
      });
    },
  };
}

function runnable<R>(steps: readonly Step[]): RunnablePipeline<R> {
  const { nodes, edges } = toGraph(steps);
  // A chain of single-port nodes is valid and already in topological order; only
  // other shapes need the general check (pipelines built per request skip its cost).
  const order = isPlainChain(nodes) ? nodes : validateGraph(nodes, edges, []);
  const start = (options?: RunOptions): RunHandle<R> => {
    const handle = startRun(order, edges, options);
    const sinkId = nodes[nodes.length - 1]!.id;
    return {
      result: handle.result.then((r) => ({ ...r, result: r.result.get(sinkId) as R })),
      drain: handle.drain,
      cancel: handle.cancel,
      stats: handle.stats,
      injectBarrier: handle.injectBarrier,
    };
  };
  return {
    start,
    run: (options) => start(options).result,
    describe: () => describeGraph(order, edges),
  };
}

/** Whether the nodes form a source → transformers → sink chain of distinct ids whose links all use the `out` → `in` ports. */
function isPlainChain(nodes: readonly GraphNodeSpec[]): boolean {
  const last = nodes.length - 1;
  if (last < 1 || nodes[0]!.kind !== 'producer' || nodes[last]!.kind !== 'consumer') return false;
  for (let i = 1; i <= last; i++) for (let j = 0; j < i; j++) if (nodes[i]!.id === nodes[j]!.id) return false;
  for (let i = 0; i <= last; i++) {
    const n = nodes[i]!;
    if (i > 0 && (n.kind === 'producer' || !isOnly(inputPorts(n), 'in'))) return false;
    if (i < last && (n.kind !== (i === 0 ? 'producer' : 'transformer') || !isOnly(outputPorts(n), 'out'))) return false;
  }
  return true;
}

function isOnly(ports: readonly string[], port: string): boolean {
  return ports.length === 1 && ports[0] === port;
}

/** Assigns stable ids: the node's name when given, else its type, suffixed `-2`, `-3`… on repeats. */
function toGraph(steps: readonly Step[]): { nodes: GraphNodeSpec[]; edges: EdgeSpec[] } {
  const used = new Map<string, number>();
  const named = new Set<string>();
  for (const s of steps) {
    const name = s.impl.descriptor.name;
    if (name !== undefined) {
      if (named.has(name)) throw new InvalidArgumentError(`pipeline: duplicate node name "${name}"`);
      named.add(name);
    }
  }
  const nodes = steps.map((s) => {
    const d = s.impl.descriptor;
    let id = d.name;
    if (id === undefined) {
      const n = (used.get(d.type) ?? 0) + 1;
      used.set(d.type, n);
      id = n === 1 ? d.type : `${d.type}-${n}`;
      while (named.has(id)) id = `${id}'`;
    }
    return { id, kind: s.kind, impl: s.impl } as GraphNodeSpec;
  });
  const edges: EdgeSpec[] = [];
  for (let i = 1; i < nodes.length; i++) {
    edges.push({ from: { node: nodes[i - 1]!.id, port: 'out' }, to: { node: nodes[i]!.id, port: 'in' } });
  }
  return { nodes, edges };
}

/** Rejects values that are not nodes of the expected kind, with a readable message. @internal */
export function assertNode(where: string, value: unknown, kind: 'producer' | 'transformer' | 'consumer'): void {
  const d = (value as { descriptor?: { kind?: unknown } } | null | undefined)?.descriptor;
  const method = kind === 'producer' ? 'open' : kind === 'transformer' ? 'apply' : 'consume';
  if (
    typeof value !== 'object' ||
    value === null ||
    !d ||
    d.kind !== kind ||
    typeof (value as Record<string, unknown>)[method] !== 'function'
  ) {
    const got = value === null ? 'null' : typeof value === 'object' ? `an object without a ${kind} descriptor` : typeof value;
    throw new InvalidArgumentError(`${where}: expected a ${kind} (an object with a descriptor of kind "${kind}" and ${method}()), got ${got}`);
  }
}
