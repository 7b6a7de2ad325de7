/**
 * A credit pool per fan-out branch. Stages downstream of a branch take their
 * holds from it (it is the ambient pool while the branch is pushed to), which
 * lets the router see how busy each branch is (outstanding holds). A linked
 * branch passes every hold on to the source's pool, so backpressure still
 * reaches the source; an unlinked one (a broadcast branch with its own bounded
 * buffer) decouples the branch from the source.
 */
import type { CreditHold } from '../../contracts.js';
import { CreditPool, currentPool, withAmbientPool } from '../../internal/credit.js';

export class BranchPool extends CreditPool {
  private parent: CreditPool | undefined;
  private count = 0;

  constructor(
    private readonly linked: boolean,
    private readonly onRelease?: () => void,
  ) {
    super(Number.MAX_SAFE_INTEGER);
  }

  /** Holds currently outstanding downstream of this branch. */
  get busy(): number {
    return this.count;
  }

  override take(): CreditHold {
    const parent = this.parent;
    const parentHold = this.linked && parent ? parent.take() : undefined;
    this.count++;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.count--;
        parentHold?.release();
        this.onRelease?.();
      },
      run: <R>(fn: () => R): R => this.within(parent, fn),
    };
  }

  /** Pushes into the branch: `fn` runs with this pool ambient, linked to the current source pool. */
  push<R>(fn: () => R): R {
    return this.within(currentPool(), fn);
  }

  private within<R>(parent: CreditPool | undefined, fn: () => R): R {
    const previous = this.parent;
    this.parent = parent === this ? previous : parent;
    try {
      return withAmbientPool(this, fn);
    } finally {
      this.parent = previous;
    }
  }
}
