import type { NodeContext } from '../contracts.js';

/**
 * A context for a node nested inside another (branches, per-key groups): the
 * parent's context with some fields replaced. Made with the parent as prototype
 * rather than spread, so accessors such as the runtime context's lazy `signal`
 * keep working. @internal
 */
export function deriveContext(parent: NodeContext, overrides: Partial<NodeContext>): NodeContext {
  return Object.assign(Object.create(parent) as NodeContext, overrides);
}
