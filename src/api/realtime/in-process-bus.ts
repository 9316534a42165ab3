import type { FastifyBaseLogger } from 'fastify';
import type { RealtimeBus } from './realtime-bus.js';
import { TopicListeners } from './topic-listeners.js';

/** Without REDIS_URL: one node, delivery in publish order, and never a gap. */
export class InProcessBus implements RealtimeBus {
  readonly #listeners: TopicListeners;

  constructor(log: FastifyBaseLogger) {
    this.#listeners = new TopicListeners(log);
  }

  publish(topic: string, message: unknown): void {
    // Through JSON as Redis would: subscribers see the same shapes with either bus.
    const copy: unknown = JSON.parse(JSON.stringify(message) ?? 'null');
    this.#listeners.deliver(topic, copy);
  }

  subscribe(
    topic: string,
    listener: (message: unknown) => void,
    onSubscribed?: () => void,
  ): () => void {
    const { remove } = this.#listeners.add(topic, listener);
    // After subscribe returns, as with Redis: the caller may use its unsubscribe function.
    if (onSubscribed) queueMicrotask(onSubscribed);
    return () => {
      remove();
    };
  }

  onGap(listener: () => void): () => void {
    return this.#listeners.addGapHook(listener);
  }

  async start(): Promise<void> {}

  async check(): Promise<undefined> {
    return undefined;
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }
}
