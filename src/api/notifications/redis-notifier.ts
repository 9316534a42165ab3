import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { NOTIFICATION_TYPES, type Notification } from '../../projections/notification-inbox.js';
import type { Notifier, NotifierHandler, NotifierMessage } from './notifier.js';
import { NotifierHandlers } from './notifier-handlers.js';

/** The pub/sub channel every API node listens on. */
export const NOTIFICATIONS_CHANNEL = 'cowatch:notifications';

const notificationSchema = z.object({
  id: z.string(),
  userId: z.string(),
  type: z.enum(NOTIFICATION_TYPES),
  createdAt: z.string(),
  data: z.record(z.string(), z.unknown()),
  cursor: z.string().regex(/^\d+$/),
});
const messageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('notifications'), notifications: z.array(notificationSchema) }),
  z.object({ kind: z.literal('gap') }),
]);

const CHECK_TIMEOUT_MS = 1_000;

const retryStrategy = (attempt: number): number => Math.min(attempt * 100, 2_000);

/**
 * Redis pub/sub: the projecting node publishes, every node (itself included) forwards to its
 * own sockets. Redis being away never fails a caller: the inbox row is committed already, and
 * once Redis is back a `gap` message makes every node re-read the inbox for its sockets.
 */
export class RedisNotifier implements Notifier {
  readonly #handlers: NotifierHandlers;
  // Fails fast while disconnected: a queued publish would be stale by the time it ran.
  readonly #pub: Redis;
  // Queues its SUBSCRIBE until connected, and resubscribes by itself after a reconnect.
  readonly #sub: Redis;
  #publishFailed = false;
  #subscribed = false;
  #subLost = false;
  #closed = false;
  readonly #down = new Set<'publisher' | 'subscriber'>();

  constructor(
    url: string,
    private readonly log: FastifyBaseLogger,
  ) {
    this.#handlers = new NotifierHandlers(log);
    const common = { lazyConnect: true, retryStrategy, connectTimeout: 5_000 };
    this.#pub = new Redis(url, { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.#sub = new Redis(url, { ...common, maxRetriesPerRequest: null });
    this.#pub.on('error', (error) => this.#unavailable('publisher', error));
    this.#pub.on('ready', () => {
      this.#up('publisher');
      void this.#publisherBack();
    });
    this.#sub.on('error', (error) => this.#unavailable('subscriber', error));
    this.#sub.on('close', () => {
      if (this.#subscribed && !this.#closed) this.#subLost = true;
    });
    this.#sub.on('ready', () => {
      this.#up('subscriber');
      void this.#subscriberBack();
    });
    this.#sub.on('message', (channel: string, raw: string) => this.#receive(channel, raw));
  }

  publish(notifications: readonly Notification[]): void {
    if (notifications.length === 0) return;
    void this.#send({ kind: 'notifications', notifications }).then((sent) => {
      if (!sent) this.#publishFailed = true;
    });
  }

  subscribe(handler: NotifierHandler): () => void {
    return this.#handlers.add(handler);
  }

  async start(): Promise<void> {
    // Awaited too: publishing (and the readiness check) right after start must find it connected.
    const publisher = this.#pub.connect().catch(() => undefined);
    const subscribed = this.#sub.subscribe(NOTIFICATIONS_CHANNEL).then(() => {
      this.#subscribed = true;
    });
    // Redis away at boot must not stop the API: ioredis keeps retrying in the background.
    const failed = this.#sub.connect().then(
      () => subscribed,
      () => undefined,
    );
    await Promise.all([publisher, Promise.race([subscribed, failed]).catch(() => undefined)]);
  }

  async check(): Promise<string> {
    // Both connections matter: publishing reaches other nodes, subscribing reaches our sockets.
    if (this.#down.size > 0) return `Redis unreachable (${[...this.#down].join(', ')})`;
    try {
      // The publisher queues nothing offline: a ping fails at once while it is disconnected.
      await Promise.race([
        this.#pub.ping(),
        sleep(CHECK_TIMEOUT_MS, undefined, { ref: false }).then(() => {
          throw new Error(`Redis did not answer a ping within ${CHECK_TIMEOUT_MS} ms`);
        }),
      ]);
      return 'ok';
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#handlers.clear();
    this.#pub.disconnect();
    this.#sub.disconnect();
  }

  async #send(message: NotifierMessage): Promise<boolean> {
    try {
      await this.#pub.publish(NOTIFICATIONS_CHANNEL, JSON.stringify(message));
      return true;
    } catch (error) {
      this.log.warn(
        { err: error, kind: message.kind },
        'notifications not published (Redis unavailable); clients get them on resume',
      );
      return false;
    }
  }

  #receive(channel: string, raw: string): void {
    if (channel !== NOTIFICATIONS_CHANNEL) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    const message = messageSchema.safeParse(parsed);
    if (!message.success) {
      this.log.warn({ channel }, 'ignored a malformed notifications message');
      return;
    }
    this.#handlers.emit(message.data);
  }

  /** Publishes failed while Redis was away: tell every node to re-read its sockets' inboxes. */
  async #publisherBack(): Promise<void> {
    if (!this.#publishFailed) return;
    this.#publishFailed = false;
    this.log.info('Redis is back: asking every node to catch its sockets up');
    if (!(await this.#send({ kind: 'gap' }))) this.#publishFailed = true;
  }

  /** Messages published while this node was unsubscribed are lost: catch its sockets up. */
  async #subscriberBack(): Promise<void> {
    try {
      await this.#sub.subscribe(NOTIFICATIONS_CHANNEL);
    } catch {
      return; // Dropped again; the next 'ready' retries.
    }
    this.#subscribed = true;
    if (!this.#subLost) return;
    this.#subLost = false;
    this.log.info('Redis is back: catching this node’s sockets up from the inbox');
    this.#handlers.emit({ kind: 'gap' });
  }

  /** Logged once per outage, not at every reconnection attempt. */
  #unavailable(connection: 'publisher' | 'subscriber', error: Error): void {
    if (this.#down.has(connection)) return;
    this.#down.add(connection);
    this.log.warn({ err: error, connection }, 'Redis unavailable; retrying in the background');
  }

  #up(connection: 'publisher' | 'subscriber'): void {
    if (this.#down.delete(connection)) this.log.info({ connection }, 'Redis reachable again');
  }
}
