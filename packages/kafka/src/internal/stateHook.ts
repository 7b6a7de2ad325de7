/**
 * The checkpoint service @streamweave/state's CheckpointCoordinator hands every node
 * through `ctx.extensions['@streamweave/state']`. Only its shape is used here, so this
 * package needs no runtime dependency on the state package (a run without a
 * coordinator simply has no such service).
 */
import type { NodeContext } from '@streamweave/core';

type Snapshot = ReadonlyArray<readonly [string, string]>;

/** The subset of the state runtime a sink uses. */
export interface StateRuntimeLike {
  register(participant: { readonly id: string; readonly type: string; notifyComplete?(checkpointId: number): Promise<void> | void }): void;
  snapshotTaken(id: string, checkpointId: number | 'end', snapshot: Snapshot | Promise<Snapshot>): void;
}

/** The coordinator's runtime of this run, when one drives it. */
export function stateRuntimeOf(ctx: NodeContext): StateRuntimeLike | undefined {
  const r = ctx.extensions['@streamweave/state'] as Partial<StateRuntimeLike> | undefined;
  return r && typeof r.register === 'function' && typeof r.snapshotTaken === 'function' ? (r as StateRuntimeLike) : undefined;
}
