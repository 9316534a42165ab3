/**
 * A bounded queue between the feed reader and the batch writer: the reader pushes events as
 * they arrive, the writer takes whatever has arrived (up to a batch) in one go.
 */
export class EventBuffer<T> {
  readonly #items: T[] = [];
  readonly #highWater: number;
  #wakeTaker: (() => void) | undefined;
  #wakePusher: (() => void) | undefined;
  #closed = false;
  #failure: { readonly error: unknown } | undefined;

  constructor(highWater: number) {
    this.#highWater = highWater;
  }

  /** Adds an item; waits while the buffer is full so a slow writer holds the reader back. */
  async push(item: T): Promise<void> {
    while (this.#items.length >= this.#highWater && !this.#closed) {
      await new Promise<void>((resolve) => {
        this.#wakePusher = resolve;
      });
    }
    this.#items.push(item);
    this.#wake();
  }

  /** No more items: takers get what is left, then an empty batch. */
  close(): void {
    this.#closed = true;
    this.#wake();
    this.#wakePusher?.();
  }

  /** The reader failed: takers get the error once the items before it are taken. */
  fail(error: unknown): void {
    this.#failure = { error };
    this.close();
  }

  /** Whether it is closed and every item has been taken. */
  get finished(): boolean {
    return this.#closed && this.#items.length === 0;
  }

  /** Up to `max` items, waiting at most `waitMs` for one; empty on timeout or once finished. */
  async take(max: number, waitMs: number): Promise<T[]> {
    if (this.#items.length === 0 && !this.#closed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.#wakeTaker = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    if (this.#items.length === 0 && this.#failure) throw this.#failure.error;
    const batch = this.#items.splice(0, max);
    this.#wakePusher?.();
    this.#wakePusher = undefined;
    return batch;
  }

  #wake(): void {
    this.#wakeTaker?.();
    this.#wakeTaker = undefined;
  }
}
