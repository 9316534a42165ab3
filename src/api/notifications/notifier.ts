import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import type { Notification } from '../../projections/notification-inbox.js';
import type { NotificationPublisher } from '../../projections/notifications-projection.js';
import { LocalNotifier } from './local-notifier.js';
import { RedisNotifier } from './redis-notifier.js';

/** What a notifier hands its subscribers: new inbox rows, or a hint that some were missed. */
export type NotifierMessage =
  | { readonly kind: 'notifications'; readonly notifications: readonly Notification[] }
  /** Live delivery may have lost notifications (Redis was away): re-read the inbox. */
  | { readonly kind: 'gap' };

/** Receives every message of the notifier, on every API node. */
export type NotifierHandler = (message: NotifierMessage) => void;

/** Fans committed notifications out to every API node; publishing never throws. */
export interface Notifier extends NotificationPublisher {
  /** Adds a handler; returns the function that removes it. */
  subscribe(handler: NotifierHandler): () => void;
  /** Connects; resolves once subscribed, or at the first failure (it keeps retrying). */
  start(): Promise<void>;
  /**
   * For readiness: 'ok', or why live delivery is affected now; undefined when there is nothing
   * outside this process to check (in-process fan-out).
   */
  check(): Promise<string | undefined>;
  close(): Promise<void>;
}

/** Redis pub/sub when REDIS_URL is set, else in-process (one node). */
export function createNotifier(
  config: Pick<Config, 'REDIS_URL'>,
  log: FastifyBaseLogger,
): Notifier {
  return config.REDIS_URL ? new RedisNotifier(config.REDIS_URL, log) : new LocalNotifier(log);
}
