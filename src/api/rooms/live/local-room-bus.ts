import type { RoomBus } from './room-live.js';

/**
 * In-process stand-in for the realtime bus (one node), through JSON as Redis would be.
 * TODO(rooms): replaced by `realtime.bus` once src/api/realtime lands on main.
 */
export class LocalRoomBus implements RoomBus {
  readonly #listeners = new Map<string, Set<(message: unknown) => void>>();

  publish(topic: string, message: unknown): void {
    const copy: unknown = JSON.parse(JSON.stringify(message) ?? 'null');
    for (const listener of [...(this.#listeners.get(topic) ?? [])]) listener(copy);
  }

  subscribe(
    topic: string,
    listener: (message: unknown) => void,
    onSubscribed?: () => void,
  ): () => void {
    const set = this.#listeners.get(topic) ?? new Set();
    set.add(listener);
    this.#listeners.set(topic, set);
    if (onSubscribed) queueMicrotask(onSubscribed);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(topic);
    };
  }

  onGap(): () => void {
    return () => undefined;
  }
}
