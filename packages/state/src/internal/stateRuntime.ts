/**
 * The service a coordinator hands every node through `RunOptions.extensions`:
 * stateful operators and transactional sinks find their restored state here and
 * report their snapshots to it.
 */
import type { NodeContext } from '@streamweave/core';
import type { StateSnapshot } from '../backends/stateBackend.js';

/**
 * Key of the state runtime in `ctx.extensions` (set by {@link CheckpointCoordinator}).
 *
 * @example
 * ```ts
 * const runtime = ctx.extensions[stateExtensionKey]; // prefer stateRuntimeOf(ctx)
 * ```
 * @see {@link stateRuntimeOf}
 */
export const stateExtensionKey = '@streamweave/state';

/**
 * A node that takes part in checkpoints (stateful operator, transactional sink):
 * what an operator outside this package registers to have its state checkpointed.
 *
 * @example
 * ```ts
 * stateRuntimeOf(ctx)?.register({ id: ctx.id, type: ctx.descriptor.type });
 * ```
 * @see {@link StateRuntime}
 */
export interface CheckpointParticipant {
  /** Node id (stable operator id). */
  readonly id: string;
  /** Operator type, checked against the checkpoint on restore. */
  readonly type: string;
  /** Checkpoint `checkpointId` is complete and durable: commit what it covers. */
  notifyComplete?(checkpointId: number): Promise<void> | void;
  /**
   * After retention: the ids of the complete checkpoints storage still holds (ascending).
   * A participant that keeps checkpoint data of its own (an incremental store) may drop
   * what none of them needs.
   */
  notifyRetained?(checkpointIds: readonly number[]): Promise<void> | void;
}

/**
 * What a participant can ask of the coordinator during a run. Custom stateful
 * operators (e.g. the window operators of `@streamweave/windowing`) use it as
 * keyedProcess does: register, take the restored snapshot at start, and at each
 * CheckpointBarrier serialize their state synchronously and report it *before*
 * forwarding the barrier; at EndOfStream report a final snapshot (`'end'`).
 *
 * @example
 * ```ts
 * const runtime = stateRuntimeOf(ctx);
 * runtime?.register({ id: ctx.id, type: ctx.descriptor.type });
 * const restored = runtime?.restored(ctx.id);
 * // at a barrier: runtime?.snapshotTaken(ctx.id, barrier.checkpointId, [['count', '42']]);
 * ```
 * @see {@link stateRuntimeOf}, {@link CheckpointCoordinator}
 */
export interface StateRuntime {
  /** State restored for participant `id`, if the run was restored and it had state. */
  restored(id: string): StateSnapshot | undefined;
  /** Declares a participant; every registered participant must report each checkpoint. */
  register(participant: CheckpointParticipant): void;
  /**
   * Reports the snapshot of `id` for barrier `checkpointId`, or at end of input
   * (`'end'`). A promise lets a sink finish its pre-commit first; a rejected one fails
   * the checkpoint, not the data.
   */
  snapshotTaken(id: string, checkpointId: number | 'end', snapshot: StateSnapshot | Promise<StateSnapshot>): void;
}

/**
 * The state runtime of this run, when a {@link CheckpointCoordinator} drives it;
 * `undefined` in a plain run (then there is nothing to snapshot or restore).
 *
 * @example
 * ```ts
 * defineTransformer('myStateful', {}, options, (out, ctx) => {
 *   const runtime = stateRuntimeOf(ctx);
 *   runtime?.register({ id: ctx.id, type: ctx.descriptor.type });
 *   // …
 * });
 * ```
 * @see {@link StateRuntime}
 */
export function stateRuntimeOf(ctx: NodeContext): StateRuntime | undefined {
  return ctx.extensions[stateExtensionKey] as StateRuntime | undefined;
}
