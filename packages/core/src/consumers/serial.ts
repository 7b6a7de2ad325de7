/** Ordered asynchronous writes for sinks: one step at a time, the first failure sticks. */

/**
 * A queue of asynchronous steps run one at a time, in the order they were added; once a
 * step fails, later steps are skipped and every wait rejects with that first failure.
 * Use it in a consumer (see `defineConsumer`) whose writes must not overlap or reorder —
 * a batch flushed on a full buffer, then another on a checkpoint barrier — while `item()`
 * stays synchronous and can fail fast on `failed`.
 *
 * @example
 * ```ts
 * const serial = new Serial();
 * const flush = () => serial.add(() => client.write(takeBatch())); // settles when this batch is written
 * // item():      if (serial.failed) throw serial.failed.error;
 * // teardown():  void serial.settled().catch(() => undefined).then(() => client.close());
 * ```
 * @see defineConsumer
 */
export class Serial {
  private chain: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | undefined;

  /**
   * Queues `step` after every step added before it; it is skipped when one of those failed.
   *
   * @param step - the asynchronous work
   * @returns a promise that settles once `step` ran (or was skipped), rejecting with the first failure so far
   */
  add(step: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(async () => {
      try {
        if (!this.failure) await step();
      } catch (e) {
        this.failure ??= { error: e };
      }
    });
    return this.settled();
  }

  /** The first failure so far (`{ error }`), or undefined while every step succeeded. */
  get failed(): { readonly error: unknown } | undefined {
    return this.failure;
  }

  /**
   * Waits for every step queued so far.
   *
   * @returns a promise that resolves after them, or rejects with the first failure
   */
  settled(): Promise<void> {
    return this.chain.then(() => {
      if (this.failure) throw this.failure.error;
    });
  }
}
