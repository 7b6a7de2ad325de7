/** Per-input queues of fan-in nodes that must wait for other inputs; each queued item holds one credit. */
import type { CreditHold, NodeContext } from '../../contracts.js';

export interface Queued<T> {
  readonly v: T;
  readonly hold: CreditHold;
}

export class InputQueues<T> {
  readonly queues: Array<Array<Queued<T>>>;
  readonly ended: boolean[];

  constructor(
    n: number,
    private readonly ctx: NodeContext,
  ) {
    this.queues = Array.from({ length: n }, () => []);
    this.ended = new Array<boolean>(n).fill(false);
  }

  push(port: number, v: T): void {
    this.queues[port]!.push({ v, hold: this.ctx.hold() });
  }

  /** Removes the head of `port`, handing it to `emit` under its own credit. */
  shift(port: number, emit: (v: T) => void): void {
    const q = this.queues[port]!.shift()!;
    q.hold.run(() => emit(q.v));
    q.hold.release();
  }

  /** True when `port` has an item or has ended. */
  settled(port: number): boolean {
    return this.queues[port]!.length > 0 || this.ended[port]!;
  }

  releaseAll(): void {
    for (const q of this.queues) for (const e of q.splice(0)) e.hold.release();
  }
}
