/** Checks a graph can run and orders its nodes; every error names the nodes at fault. */
import { GraphValidationError } from '../errors.js';
import { type EdgeSpec, type GraphDescription, type GraphNodeSpec, inputPorts, outputPorts } from './model.js';

/** Validates and returns the nodes in topological order. @internal */
export function validateGraph(
  nodes: readonly GraphNodeSpec[],
  edges: readonly EdgeSpec[],
  duplicates: readonly string[],
): GraphNodeSpec[] {
  if (duplicates.length > 0) {
    const names = [...new Set(duplicates)];
    throw new GraphValidationError(`duplicate node name(s): ${names.map((n) => `"${n}"`).join(', ')}`, names);
  }
  const byId = new Map(nodes.map((n) => [n.id, n]));
  if (!nodes.some((n) => n.kind === 'producer')) throw new GraphValidationError('graph has no source (producer) node', []);
  if (!nodes.some((n) => n.kind === 'consumer')) throw new GraphValidationError('graph has no sink (consumer) node', []);

  for (const e of edges) {
    const from = byId.get(e.from.node);
    const to = byId.get(e.to.node);
    if (!from) throw new GraphValidationError(`edge ${fmt(e)} starts at unknown node "${e.from.node}"`, [e.from.node]);
    if (!to) throw new GraphValidationError(`edge ${fmt(e)} ends at unknown node "${e.to.node}"`, [e.to.node]);
    if (!outputPorts(from).includes(e.from.port)) {
      throw new GraphValidationError(
        `node "${from.id}" has no output port "${e.from.port}" (its outputs: ${list(outputPorts(from))})`,
        [from.id],
      );
    }
    if (!inputPorts(to).includes(e.to.port)) {
      throw new GraphValidationError(
        `node "${to.id}" has no input port "${e.to.port}" (its inputs: ${list(inputPorts(to))})`,
        [to.id],
      );
    }
  }
  const seen = new Set<string>();
  for (const e of edges) {
    const key = fmt(e);
    if (seen.has(key)) throw new GraphValidationError(`edge ${key} is declared twice`, [e.from.node, e.to.node]);
    seen.add(key);
  }
  const dangling: string[] = [];
  const problems: string[] = [];
  for (const n of nodes) {
    for (const p of inputPorts(n)) {
      if (!edges.some((e) => e.to.node === n.id && e.to.port === p)) {
        dangling.push(n.id);
        problems.push(`input "${n.id}.${p}" is not connected`);
      }
    }
    for (const p of outputPorts(n)) {
      if (!edges.some((e) => e.from.node === n.id && e.from.port === p)) {
        dangling.push(n.id);
        problems.push(`output "${n.id}.${p}" is not connected`);
      }
    }
  }
  if (problems.length > 0) throw new GraphValidationError(`dangling port(s): ${problems.join('; ')}`, [...new Set(dangling)]);

  // Kahn's algorithm; whatever remains is on or behind a cycle.
  const indegree = new Map(nodes.map((n) => [n.id, 0]));
  for (const e of edges) indegree.set(e.to.node, (indegree.get(e.to.node) ?? 0) + 1);
  const ready = nodes.filter((n) => indegree.get(n.id) === 0);
  const order: GraphNodeSpec[] = [];
  while (ready.length > 0) {
    const n = ready.shift()!;
    order.push(n);
    for (const e of edges) {
      if (e.from.node !== n.id) continue;
      const d = indegree.get(e.to.node)! - 1;
      indegree.set(e.to.node, d);
      if (d === 0) ready.push(byId.get(e.to.node)!);
    }
  }
  if (order.length < nodes.length) {
    const cyclic = findCycle(nodes, edges, new Set(order.map((n) => n.id)));
    throw new GraphValidationError(`cycle detected: ${cyclic.join(' -> ')}`, cyclic);
  }
  return order;
}

function findCycle(nodes: readonly GraphNodeSpec[], edges: readonly EdgeSpec[], acyclic: Set<string>): string[] {
  // Every node Kahn's algorithm left behind still has a predecessor that was left
  // behind too, so walking backwards must eventually repeat a node: that is a cycle.
  const prev = (id: string) => edges.find((e) => e.to.node === id && !acyclic.has(e.from.node))!.from.node;
  const path: string[] = [];
  let current = nodes.find((n) => !acyclic.has(n.id))!.id;
  while (!path.includes(current)) {
    path.push(current);
    current = prev(current);
  }
  const loop = path.slice(path.indexOf(current)).reverse();
  return [...loop, loop[0]!];
}

function fmt(e: EdgeSpec): string {
  return `${e.from.node}.${e.from.port} -> ${e.to.node}.${e.to.port}`;
}

function list(ports: readonly string[]): string {
  return ports.length === 0 ? 'none' : ports.map((p) => `"${p}"`).join(', ');
}

/** Plain-data description of a validated graph. @internal */
export function describeGraph(order: readonly GraphNodeSpec[], edges: readonly EdgeSpec[]): GraphDescription {
  return {
    version: 1,
    nodes: order.map((n) => {
      const d = n.impl.descriptor;
      return {
        id: n.id,
        kind: d.kind,
        type: d.type,
        ...(d.name === undefined ? {} : { name: d.name }),
        params: d.params,
        inputs: [...inputPorts(n)],
        outputs: [...outputPorts(n)],
      };
    }),
    edges: edges.map((e) => ({ from: `${e.from.node}.${e.from.port}`, to: `${e.to.node}.${e.to.port}` })),
  };
}
