/** A queue of asynchronous steps run one at a time; the first failure sticks. */
export class Serial {
  private chain: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | undefined;
  private pending = 0;

  /** Queues `step`; the returned promise settles when it ran (rejecting with the first failure so far). */
  add(step: () => Promise<void>): Promise<void> {
    this.pending++;
    this.chain = this.chain.then(async () => {
      try {
        if (!this.failure) await step();
      } catch (e) {
        this.failure ??= { error: e };
      } finally {
        this.pending--;
      }
    });
    return this.settled();
  }

  /** True while steps are queued or running. */
  get busy(): boolean {
    return this.pending > 0;
  }

  /** Settles after every queued step; rejects with the first failure. */
  settled(): Promise<void> {
    return this.chain.then(() => {
      if (this.failure) throw this.failure.error;
    });
  }
}
