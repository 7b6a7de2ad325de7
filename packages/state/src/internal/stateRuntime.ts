/**
 * The service a coordinator hands every node through `RunOptions.extensions`:
 * stateful operators and transactional sinks find their restored state here and
 * report their snapshots to it.
 */
import type { NodeContext } from '@streamweave/core';
import type { StateSnapshot } from '../backends/stateBackend.js';

/** Key of the state runtime in `ctx.extensions`. */
export const stateExtensionKey = '@streamweave/state';

/** A node that takes part in checkpoints (stateful operator, transactional sink). */
export interface CheckpointParticipant {
  /** Node id (stable operator id). */
  readonly id: string;
  /** Operator type, checked against the checkpoint on restore. */
  readonly type: string;
  /** Checkpoint `checkpointId` is complete and durable: commit what it covers. */
  notifyComplete?(checkpointId: number): Promise<void> | void;
}

/** What a participant can ask of the coordinator during a run. */
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

/** The state runtime of this run, when a coordinator drives it. */
export function stateRuntimeOf(ctx: NodeContext): StateRuntime | undefined {
  return ctx.extensions[stateExtensionKey] as StateRuntime | undefined;
}
