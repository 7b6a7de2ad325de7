/**
 * GraphBuilder: a DAG of named nodes with typed ports, for fan-in, fan-out,
 * joins and routing. `connect` only accepts an input port whose type accepts the
 * output port's type; `build()` rejects dangling ports, cycles and duplicate names.
 */
import type { Consumer, Producer, Transformer } from './contracts.js';
import { InvalidArgumentError } from './errors.js';
import type { EdgeSpec, GraphDescription, GraphNodeSpec, MultiPortTransformer, PortMap, PortRef } from './graph/model.js';
import { describeGraph, validateGraph } from './graph/validate.js';
import { assertNode } from './pipelineBuilder.js';
import { startRun } from './runtime/execute.js';
import type { RunHandle, RunOptions, RunResult } from './runtime/run.js';

/** Port types of one node. */
export interface NodePorts {
  /** Input ports of the node, by name, with their item types. */
  readonly in: PortMap;
  /** Output ports of the node, by name, with their item types. */
  readonly out: PortMap;
}

/** Port types of every node of a graph, by node id (the first type parameter of {@link GraphBuilder}). */
export type GraphNodes = Record<string, NodePorts>;
/** A record with no entries: a graph with no nodes or results yet, a node without input (or output) ports. */
export type EmptyRecord = Record<never, never>;

/** A port reference string: `node.port`, or bare `node` when `P` is the default port `Default`. */
export type PortRefString<K extends string, P extends string, Default extends string> = P extends Default ? K | `${K}.${P}` : `${K}.${P}`;

/** Every output port reference of a graph: `node` (its `out` port) or `node.port`. */
export type OutputRef<N extends GraphNodes> = {
  [K in keyof N & string]: { [P in keyof N[K]['out'] & string]: PortRefString<K, P, 'out'> }[keyof N[K]['out'] & string];
}[keyof N & string];

/** The item type of an output port reference. */
export type OutputType<N extends GraphNodes, F extends string> = F extends `${infer K}.${infer P}`
  ? K extends keyof N
    ? P extends keyof N[K]['out']
      ? N[K]['out'][P]
      : never
    : never
  : F extends keyof N
    ? N[F]['out'] extends { out: infer T }
      ? T
      : never
    : never;

/** Input port references of a graph whose type accepts items of type T. */
export type InputRefAccepting<N extends GraphNodes, T> = {
  [K in keyof N & string]: {
    [P in keyof N[K]['in'] & string]: [T] extends [N[K]['in'][P]] ? PortRefString<K, P, 'in'> : never;
  }[keyof N[K]['in'] & string];
}[keyof N & string];

/**
 * A validated graph, ready to run.
 */
export interface BuiltGraph<Results> {
  /** Runs to completion; `result` maps each sink name to its consumer's result. */
  run(options?: RunOptions): Promise<RunResult<Results>>;
  /** Starts a run and returns its handle. */
  start(options?: RunOptions): RunHandle<Results>;
  /** Plain-data description: nodes, ports, edges. */
  describe(): GraphDescription;
}

/**
 * Builds a graph. Add nodes with `source`, `transform`, `node` (multi-port) and
 * `sink`, wire them with `connect`, then `build()`.
 *
 * Several edges into one input port merge (watermarks combine as the minimum,
 * barriers are aligned); several edges out of one output port broadcast.
 *
 * @example
 * ```ts
 * const g = graph()
 *   .source('numbers', fromArray([1, 2, 3]))
 *   .transform('double', map((x: number) => x * 2))
 *   .transform('square', map((x: number) => x * x))
 *   .sink('all', collect<number>())
 *   .connect('numbers', 'double')
 *   .connect('numbers', 'square')
 *   .connect('double', 'all')
 *   .connect('square', 'all')
 *   .build();
 * const { result } = await g.run(); // result.all holds 2, 4, 6, 1, 4, 9 in arrival order
 * ```
 * @see {@link pipeline} for linear pipelines.
 */
export function graph(): GraphBuilder<EmptyRecord, EmptyRecord> {
  return new GraphBuilder<EmptyRecord, EmptyRecord>([], [], []);
}

/** See {@link graph}. */
export class GraphBuilder<N extends GraphNodes, Results> {
  /** @internal */
  constructor(
    private readonly nodes: readonly GraphNodeSpec[],
    private readonly edges: readonly EdgeSpec[],
    private readonly duplicates: readonly string[],
  ) {}

  /** Adds a source node. */
  source<K extends string, T>(name: K, producer: Producer<T>): GraphBuilder<N & { [P in K]: { in: EmptyRecord; out: { out: T } } }, Results> {
    assertNode(`graph.source("${String(name)}")`, producer, 'producer');
    return this.add(name, { id: name, kind: 'producer', impl: producer as Producer<unknown> });
  }

  /** Adds a single-input, single-output transformer node (ports `in` and `out`). */
  transform<K extends string, I, O>(
    name: K,
    transformer: Transformer<I, O>,
  ): GraphBuilder<N & { [P in K]: { in: { in: I }; out: { out: O } } }, Results> {
    assertNode(`graph.transform("${String(name)}")`, transformer, 'transformer');
    return this.add(name, { id: name, kind: 'transformer', impl: transformer as Transformer<unknown, unknown> });
  }

  /** Adds a node with named input and output ports (joins, splits, routers). */
  node<K extends string, In extends PortMap, Out extends PortMap>(
    name: K,
    operator: MultiPortTransformer<In, Out>,
  ): GraphBuilder<N & { [P in K]: { in: In; out: Out } }, Results> {
    const d = (operator as { descriptor?: { inputs?: unknown; outputs?: unknown } } | null)?.descriptor;
    if (!d || !Array.isArray(d.inputs) || !Array.isArray(d.outputs) || typeof (operator as { applyPorts?: unknown }).applyPorts !== 'function') {
      throw new InvalidArgumentError(`graph.node("${String(name)}"): expected a multi-port transformer (descriptor with inputs/outputs and applyPorts())`);
    }
    return this.add(name, { id: name, kind: 'multi', impl: operator as unknown as MultiPortTransformer<PortMap, PortMap> });
  }

  /** Adds a sink node; its result appears under `name` in the run result. */
  sink<K extends string, T, R>(
    name: K,
    consumer: Consumer<T, R>,
  ): GraphBuilder<N & { [P in K]: { in: { in: T }; out: EmptyRecord } }, Results & { [P in K]: R }> {
    assertNode(`graph.sink("${String(name)}")`, consumer, 'consumer');
    return this.add(name, { id: name, kind: 'consumer', impl: consumer as Consumer<unknown, unknown> });
  }

  /**
   * Connects an output port to an input port. A bare node name means its default
   * port (`out` / `in`); `node.port` names another.
   */
  connect<F extends OutputRef<N>, T extends InputRefAccepting<N, OutputType<N, F>>>(from: F, to: T): GraphBuilder<N, Results> {
    const edge = { from: parseRef(from, 'out'), to: parseRef(to, 'in') };
    return new GraphBuilder<N, Results>(this.nodes, [...this.edges, edge], this.duplicates);
  }

  /** Validates the graph (dangling ports, cycles, duplicate names, unknown ports) and returns a runnable graph. */
  build(): BuiltGraph<Results> {
    const order = validateGraph(this.nodes, this.edges, this.duplicates);
    const edges = this.edges;
    const start = (options?: RunOptions): RunHandle<Results> => {
      const handle = startRun(order, edges, options);
      return {
        result: handle.result.then((r) => ({ ...r, result: Object.fromEntries(r.result) as Results })),
        drain: handle.drain,
        cancel: handle.cancel,
        stats: handle.stats,
      injectBarrier: handle.injectBarrier,
      };
    };
    return { start, run: (options) => start(options).result, describe: () => describeGraph(order, edges) };
  }

  private add<M extends GraphNodes, R>(name: string, spec: GraphNodeSpec): GraphBuilder<M, R> {
    if (typeof name !== 'string' || name.length === 0 || name.includes('.')) {
      throw new InvalidArgumentError(`graph: node name must be a non-empty string without ".", got ${JSON.stringify(name)}`);
    }
    const dup = this.nodes.some((n) => n.id === name) ? [...this.duplicates, name] : this.duplicates;
    return new GraphBuilder<M, R>(dup === this.duplicates ? [...this.nodes, spec] : this.nodes, this.edges, dup);
  }
}

function parseRef(ref: string, defaultPort: string): PortRef {
  if (typeof ref !== 'string') throw new InvalidArgumentError(`graph.connect: port reference must be a string, got ${typeof ref}`);
  const dot = ref.indexOf('.');
  return dot < 0 ? { node: ref, port: defaultPort } : { node: ref.slice(0, dot), port: ref.slice(dot + 1) };
}
