/** The runnable shape shared by pipelines and graphs: nodes, ports and edges. */
import type { Observable } from 'rxjs';
import type { Consumer, JsonValue, NodeContext, NodeDescriptor, Producer, Transformer } from '../contracts.js';
import type { ErrorStrategy } from '../errors.js';
import type { Element } from '../signals.js';

/** Element types per port name. */
export type PortMap = Record<string, unknown>;

/**
 * A node with named input and output ports, for fan-in, fan-out, joins and routing.
 *
 * @example
 * ```ts
 * const evensAndOdds: MultiPortTransformer<{ in: number }, { even: number; odd: number }> = split(...);
 * ```
 * @see {@link GraphBuilder.node}
 */
export interface MultiPortTransformer<In extends PortMap, Out extends PortMap> {
  /** Self-description; `inputs` and `outputs` list the port names. */
  readonly descriptor: NodeDescriptor & { readonly inputs: readonly (keyof In & string)[]; readonly outputs: readonly (keyof Out & string)[] };
  /** This node's error strategy, when it overrides the run's. */
  readonly errors?: ErrorStrategy;
  /** Builds every output stream from the input streams. */
  applyPorts(
    inputs: { readonly [K in keyof In]: Observable<Element<In[K]>> },
    ctx: NodeContext,
  ): { readonly [K in keyof Out]: Observable<Element<Out[K]>> };
  /** Phantom marker for the input ports' variance; never set. @internal */
  readonly __in?: (value: In) => void;
  /** Phantom marker for the output ports' variance; never set. @internal */
  readonly __out?: () => Out;
}

/** One node of a built graph. @internal */
export type GraphNodeSpec =
  | { readonly id: string; readonly kind: 'producer'; readonly impl: Producer<unknown> }
  | { readonly id: string; readonly kind: 'transformer'; readonly impl: Transformer<unknown, unknown> }
  | { readonly id: string; readonly kind: 'multi'; readonly impl: MultiPortTransformer<PortMap, PortMap> }
  | { readonly id: string; readonly kind: 'consumer'; readonly impl: Consumer<unknown, unknown> };

/** A port of a node. */
export interface PortRef {
  /** Id of the node the port belongs to. */
  readonly node: string;
  /** Name of the port on that node. */
  readonly port: string;
}

/** A directed connection from an output port to an input port. */
export interface EdgeSpec {
  /** Output port the edge starts at. */
  readonly from: PortRef;
  /** Input port the edge leads to. */
  readonly to: PortRef;
}

/** Plain-data description of a pipeline or graph (nodes, ports, edges). */
export interface GraphDescription {
  /** Always 1 for this format. */
  readonly version: 1;
  /** Nodes in topological order. */
  readonly nodes: ReadonlyArray<{
    readonly id: string;
    readonly kind: NodeDescriptor['kind'];
    readonly type: string;
    readonly name?: string;
    readonly params: { readonly [key: string]: JsonValue };
    readonly inputs: readonly string[];
    readonly outputs: readonly string[];
  }>;
  /** Edges as `node.port` strings. */
  readonly edges: ReadonlyArray<{ readonly from: string; readonly to: string }>;
}

/** Input port names of a node. @internal */
export function inputPorts(n: GraphNodeSpec): readonly string[] {
  if (n.kind === 'producer') return [];
  return n.impl.descriptor.inputs ?? ['in'];
}

/** Output port names of a node. @internal */
export function outputPorts(n: GraphNodeSpec): readonly string[] {
  if (n.kind === 'consumer') return [];
  return n.impl.descriptor.outputs ?? ['out'];
}
