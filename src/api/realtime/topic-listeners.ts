import type { FastifyBaseLogger } from 'fastify';

type Listener = (message: unknown) => void;

/**
 * This node's listeners by topic, and its gap hooks. A failing listener is logged and never
 * stops the others (one bad socket must not starve a topic).
 */
export class TopicListeners {
  readonly #byTopic = new Map<string, Set<Listener>>();
  readonly #gapHooks = new Set<() => void>();

  constructor(private readonly log: FastifyBaseLogger) {}

  /** Topics with at least one listener. */
  topics(): IterableIterator<string> {
    return this.#byTopic.keys();
  }

  /** Adds a listener; `first` tells whether the topic had none. */
  add(topic: string, listener: Listener): { first: boolean; remove: () => boolean } {
    // Wrapped so the same function subscribed twice is two subscriptions, removed one by one.
    const entry: Listener = (message) => listener(message);
    const listeners = this.#byTopic.get(topic) ?? new Set();
    const first = listeners.size === 0;
    listeners.add(entry);
    this.#byTopic.set(topic, listeners);
    let removed = false;
    /** Removes it; true when it was the topic's last listener. */
    const remove = (): boolean => {
      if (removed) return false;
      removed = true;
      listeners.delete(entry);
      if (listeners.size > 0) return false;
      this.#byTopic.delete(topic);
      return true;
    };
    return { first, remove };
  }

  addGapHook(hook: () => void): () => void {
    const entry = () => hook();
    this.#gapHooks.add(entry);
    return () => this.#gapHooks.delete(entry);
  }

  deliver(topic: string, message: unknown): void {
    for (const listener of [...(this.#byTopic.get(topic) ?? [])]) {
      this.#guard(() => listener(message), topic);
    }
  }

  gap(): void {
    for (const hook of [...this.#gapHooks]) this.#guard(hook, undefined);
  }

  clear(): void {
    this.#byTopic.clear();
    this.#gapHooks.clear();
  }

  #guard(call: () => void, topic: string | undefined): void {
    try {
      call();
    } catch (error) {
      this.log.error({ err: error, topic }, 'a realtime listener failed');
    }
  }
}
