/**
 * Applies the node's error strategy to a file failure inside a source. The source
 * decides itself (rather than letting the runtime re-pull) because only it knows
 * what "skip" means here: drop an over-long line, or give up on an unreadable file.
 */
import type { NodeContext } from '@streamweave/core';
import { FileError } from '../fileError.js';
import { waitOrStop } from './wait.js';

/** Over-long line: skipping it means dropping that line only. */
export class LineTooLongError extends FileError {}

/**
 * Resolves 'retry' (after the strategy's delay) or 'skip' ('deadLetter' counts as
 * skip: a source has no item to route); throws for 'stop' and for non-file errors.
 */
export async function onFileFailure(ctx: NodeContext, error: unknown, attempt: number): Promise<'retry' | 'skip'> {
  if (!(error instanceof FileError)) throw error;
  const d = ctx.fail(error, undefined, ctx.stats.out, attempt);
  // Core recognises an error already resolved to stop: rethrowing it is neither counted nor re-applied.
  if (d.action === 'stop') throw d.error;
  if (d.action === 'retry') {
    await waitOrStop(ctx, d.delayMs);
    return 'retry';
  }
  return 'skip';
}
