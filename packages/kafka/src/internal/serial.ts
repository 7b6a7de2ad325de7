/** A queue of asynchronous steps run one at a time; the first failure sticks. */
export class Serial {
  private chain: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | undefined;

  /** Queues `step`; the returned promise settles when it ran (rejecting with the first failure so far). */
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

  /** The first failure so far, if any. */
  get failed(): { readonly error: unknown } | undefined {
    return this.failure;
  }

  /** Settles after every queued step; rejects with the first failure. */
  settled(): Promise<void> {
    return this.chain.then(() => {
      if (this.failure) throw this.failure.error;
    });
  }
}
