/** Outcome of one queued item, settled individually even when processed in a batch. */
export type Outcome<R> =
  | { readonly ok: true; readonly value: R }
  | { readonly ok: false; readonly error: unknown };

interface Waiting<T, R> {
  readonly item: T;
  readonly resolve: (value: R) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Serialises work per stream inside one process and hands the processor every item that queued
 * up meanwhile, so a hot stream is decided in batches instead of racing itself. It is an
 * optimisation only: the store's expected-revision check remains the guard across processes.
 */
export class StreamQueue<T, R> {
  private readonly waiting = new Map<string, Waiting<T, R>[]>();

  constructor(
    private readonly process: (key: string, items: readonly T[]) => Promise<Outcome<R>[]>,
    private readonly maxBatch = 100,
  ) {}

  /** Queues an item for its stream; settles when its batch has been processed. */
  enqueue(key: string, item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const queue = this.waiting.get(key);
      if (queue) {
        queue.push({ item, resolve, reject });
        return;
      }
      this.waiting.set(key, [{ item, resolve, reject }]);
      void this.drain(key);
    });
  }

  private async drain(key: string): Promise<void> {
    // Yield once so that callers arriving in the same tick join the first batch.
    await Promise.resolve();
    for (;;) {
      const queue = this.waiting.get(key);
      if (!queue || queue.length === 0) {
        this.waiting.delete(key);
        return;
      }
      const batch = queue.splice(0, this.maxBatch);
      try {
        const outcomes = await this.process(
          key,
          batch.map((w) => w.item),
        );
        batch.forEach((w, i) => {
          const outcome = outcomes[i];
          if (outcome?.ok) w.resolve(outcome.value);
          else w.reject(outcome ? outcome.error : new Error('no outcome for queued item'));
        });
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
  }
}
