/**
 * Checks for leaked runtime resources (real timers, sockets, pending file
 * operations) between two points of a test. Browser-safe: it reads
 * `process.getActiveResourcesInfo()` through globalThis when the host has it
 * (Node ≥ 17) and checks nothing elsewhere.
 */
import { macrotaskTurns } from './internal/turns.js';

/** A baseline of active resources, from {@link snapshotActiveHandles}. */
export interface ActiveHandleSnapshot {
  /** Resource types active now beyond the baseline, one entry per extra resource (e.g. `['Timeout']`). */
  leaked(): string[];
  /**
   * Lets pending closes settle (up to `settleTurns` event-loop turns, default 20, then up to
   * `settleMs` more milliseconds, default 0, for a short timer still due on a loaded machine),
   * then throws when resources beyond the baseline remain, naming their types.
   */
  expectNoLeaks(settleTurns?: number, settleMs?: number): Promise<void>;
}

type ProcessLike = { getActiveResourcesInfo?: () => string[] };

function activeResources(): string[] {
  const p = (globalThis as { process?: ProcessLike }).process;
  return typeof p?.getActiveResourcesInfo === 'function' ? p.getActiveResourcesInfo() : [];
}

function counts(list: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of list) m.set(t, (m.get(t) ?? 0) + 1);
  return m;
}

/**
 * Records the active resources now; later, `expectNoLeaks()` fails if a real
 * timer, socket or pending file operation started in between is still alive.
 * Complements {@link expectNoLeakedTimers}, which checks virtual timers.
 *
 * @example
 * ```ts
 * const handles = snapshotActiveHandles();
 * await pipeline().from(readLines(path)).to(collect()).run();
 * await handles.expectNoLeaks();
 * ```
 * @see {@link expectNoLeakedTimers}
 */
export function snapshotActiveHandles(): ActiveHandleSnapshot {
  const baseline = counts(activeResources());
  const leaked = (): string[] => {
    const out: string[] = [];
    for (const [type, n] of counts(activeResources())) {
      for (let i = baseline.get(type) ?? 0; i < n; i++) out.push(type);
    }
    return out.sort();
  };
  return {
    leaked,
    async expectNoLeaks(settleTurns = 20, settleMs = 0) {
      // Closing takes a few turns of the event loop: wait for it, but no longer than needed.
      for (let i = 0; i < settleTurns && leaked().length > 0; i++) await macrotaskTurns(1);
      for (const until = Date.now() + settleMs; leaked().length > 0 && Date.now() < until; ) await new Promise((r) => setTimeout(r, 10));
      const extra = leaked();
      if (extra.length > 0) {
        throw new Error(`expected no leaked resources, found ${extra.length} more than at the snapshot: ${extra.join(', ')}`);
      }
    },
  };
}
