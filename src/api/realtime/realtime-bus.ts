import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import { InProcessBus } from './in-process-bus.js';
import { RedisBus } from './redis-bus.js';

/**
 * Live messages by topic (`user:<id>`, `room:<id>`, …) across every API node. Messages must be
 * JSON-serialisable: subscribers receive them parsed back (also in-process), and validate them.
 */
export interface RealtimeBus {
  /** Delivers `message` to every subscriber of `topic` on every node. With Redis, delivery (even to this node) goes through Redis so all nodes see one topic's messages in the same order. Never throws; reports trouble via check(). */
  publish(topic: string, message: unknown): void | Promise<void>;
  /**
   * Returns the unsubscribe function. Subscribing to a topic's Redis channel happens lazily
   * (first local subscriber) and unsubscribes on the last. `onSubscribed` (optional) runs once
   * live delivery of the topic has begun: what was published before it is not delivered, so a
   * subscriber that must miss nothing reads its state then.
   */
  subscribe(
    topic: string,
    listener: (message: unknown) => void,
    onSubscribed?: () => void,
  ): () => void;
  /** 'gap' hooks: called when live delivery may have lost messages (Redis was away), so subscribers can resync. */
  onGap(listener: () => void): () => void;
  /** Connects; resolves once listening, or at the first failure (it keeps retrying). */
  start(): Promise<void>;
  /** For readiness: 'ok' or what affects live delivery now; undefined when nothing is outside this process. */
  check(): Promise<string | undefined>;
  close(): Promise<void>;
}

/** Redis pub/sub when REDIS_URL is set, else in-process (one node). */
export function createRealtimeBus(
  config: Pick<Config, 'REDIS_URL'>,
  log: FastifyBaseLogger,
): RealtimeBus {
  return config.REDIS_URL ? new RedisBus(config.REDIS_URL, log) : new InProcessBus(log);
}
