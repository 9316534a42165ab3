import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  StreamAppend,
} from '../eventstore/event-store.js';

interface Pending {
  readonly append: StreamAppend;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

export interface AppendBatcherOptions {
  /** Groups being written at once; appends arriving meanwhile wait and form the next group. */
  readonly maxInFlight?: number;
  /** Most streams in one group. */
  readonly maxGroup?: number;
}

/**
 * Group commit across streams: the appends the command handlers of one process make while
 * earlier ones are being written go to the store together ({@link EventStore.appendMany}), so
 * under load many streams' events share one statement and one commit instead of one each.
 * Each append keeps its own expected revision and its own outcome (a conflict rejects only its
 * own promise with the store's WrongExpectedRevision), so callers see exactly `append`.
 * With nothing in flight an append is sent at once (after the current I/O callbacks), alone.
 */
export class AppendBatcher {
  readonly #store: EventStore;
  readonly #maxInFlight: number;
  readonly #maxGroup: number;
  #pending: Pending[] = [];
  #inFlight = 0;
  #scheduled = false;

  constructor(store: EventStore, options: AppendBatcherOptions = {}) {
    this.#store = store;
    this.#maxInFlight = options.maxInFlight ?? 4;
    this.#maxGroup = options.maxGroup ?? 100;
  }

  append(
    streamId: string,
    events: readonly NewEvent[],
    options: { readonly expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      const append = { streamId, events, expectedRevision: options.expectedRevision };
      this.#pending.push({ append, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#inFlight >= this.#maxInFlight || this.#pending.length === 0) {
      return;
    }
    this.#scheduled = true;
    // setImmediate, not a microtask: requests read from other sockets in this turn join in.
    setImmediate(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    while (this.#inFlight < this.#maxInFlight && this.#pending.length > 0) {
      const group = this.#takeGroup();
      this.#inFlight++;
      void this.#write(group).finally(() => {
        this.#inFlight--;
        this.#schedule();
      });
    }
  }

  /** The oldest pending appends, one per stream (a second one for a stream waits its turn). */
  #takeGroup(): Pending[] {
    const group: Pending[] = [];
    const streams = new Set<string>();
    const rest: Pending[] = [];
    for (const pending of this.#pending) {
      if (group.length < this.#maxGroup && !streams.has(pending.append.streamId)) {
        streams.add(pending.append.streamId);
        group.push(pending);
      } else rest.push(pending);
    }
    this.#pending = rest;
    return group;
  }

  async #write(group: readonly Pending[]): Promise<void> {
    try {
      const outcomes = await this.#store.appendMany(group.map((p) => p.append));
      group.forEach((pending, i) => {
        const outcome = outcomes[i];
        if (outcome?.ok) pending.resolve(outcome.result);
        else pending.reject(outcome ? outcome.error : new Error('no outcome for an append'));
      });
    } catch (error) {
      for (const pending of group) pending.reject(error);
    }
  }
}
