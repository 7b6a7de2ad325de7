/** Errors raised by the state package. Each names the operator, checkpoint or path at fault. */
import { StreamWeaveError, type StreamWeaveErrorOptions } from '@streamweave/core';

/**
 * Raised when restored state does not fit the pipeline: an operator of the
 * checkpoint is missing, has another type, or holds state names it no longer declares.
 * State is never silently reset.
 *
 * @example
 * ```ts
 * try { await coordinator.run(p); } catch (e) { if (e instanceof StateMismatchError) console.log(e.operatorId); }
 * ```
 * @see {@link CheckpointCoordinator}
 */
export class StateMismatchError extends StreamWeaveError {
  /** Error name, always `'StateMismatchError'`. */
  override readonly name = 'StateMismatchError';
  constructor(
    message: string,
    /** Id of the operator whose state cannot be mapped. */
    readonly operatorId: string,
    options: StreamWeaveErrorOptions = {},
  ) {
    super(message, options);
  }
}

/**
 * Raised (and reported) when a stored checkpoint fails its checksum or cannot be parsed.
 *
 * @example
 * ```ts
 * coordinator.on('corrupt', (e) => console.warn(e.path));
 * ```
 * @see {@link CheckpointStorage}
 */
export class CorruptCheckpointError extends StreamWeaveError {
  /** Error name, always `'CorruptCheckpointError'`. */
  override readonly name = 'CorruptCheckpointError';
  constructor(
    message: string,
    /** Where the bad checkpoint lives. */
    readonly path: string,
    options: StreamWeaveErrorOptions = {},
  ) {
    super(`${message} (${path})`, options);
  }
}

/**
 * A checkpoint that could not complete (timeout, backend unreachable, a participant failed).
 * The data keeps flowing; the next checkpoint retries.
 *
 * @example
 * ```ts
 * new CheckpointCoordinator({ onCheckpointFailed: (e) => console.warn(e.checkpointId, e.message) });
 * ```
 */
export class CheckpointFailedError extends StreamWeaveError {
  /** Error name, always `'CheckpointFailedError'`. */
  override readonly name = 'CheckpointFailedError';
  constructor(
    message: string,
    /** The checkpoint that failed. */
    readonly checkpointId: number,
    options: StreamWeaveErrorOptions = {},
  ) {
    super(`checkpoint ${checkpointId} failed: ${message}`, options);
  }
}
