import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import type { RealtimeBus } from './realtime-bus.js';
import { TopicListeners } from './topic-listeners.js';

/** A topic's pub/sub channel; every topic has its own, so a node hears only what it serves. */
export const topicChannel = (topic: string) => `cowatch:topic:${topic}`;
const TOPIC_PREFIX = topicChannel('');
/** Every node listens here: a publisher that lost messages tells all nodes to resync. */
export const GAP_CHANNEL = 'cowatch:gap';

const CHECK_TIMEOUT_MS = 1_000;

const retryStrategy = (attempt: number): number => Math.min(attempt * 100, 2_000);

/**
 * Redis pub/sub. A publish goes through Redis even for this node's own subscribers: Redis
 * orders one channel's messages, so every node sees a topic in the same order. Redis being away
 * never fails a caller; once it is back, gap hooks run (on every node when publishes were lost,
 * on this node when its subscriptions were) so subscribers re-read what they may have missed.
 */
export class RedisBus implements RealtimeBus {
  readonly #listeners: TopicListeners;
  // Fails fast while disconnected: a queued publish would be stale by the time it ran.
  readonly #pub: Redis;
  // Queues its SUBSCRIBEs until connected; subscriptions are renewed on every 'ready'.
  readonly #sub: Redis;
  /** Topics subscribed on Redis (or queued), each with when live delivery began. */
  readonly #subscriptions = new Map<string, Promise<boolean>>();
  #publishFailed = false;
  #listening = false;
  #subLost = false;
  #closed = false;
  readonly #down = new Set<'publisher' | 'subscriber'>();

  constructor(
    url: string,
    private readonly log: FastifyBaseLogger,
  ) {
    this.#listeners = new TopicListeners(log);
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
      if (this.#listening && !this.#closed) this.#subLost = true;
    });
    this.#sub.on('ready', () => {
      this.#up('subscriber');
      void this.#subscriberBack();
    });
    this.#sub.on('message', (channel: string, raw: string) => this.#receive(channel, raw));
  }

  async publish(topic: string, message: unknown): Promise<void> {
    if (!(await this.#send(topicChannel(topic), JSON.stringify(message) ?? 'null', topic))) {
      this.#publishFailed = true;
    }
  }

  subscribe(
    topic: string,
    listener: (message: unknown) => void,
    onSubscribed?: () => void,
  ): () => void {
    const { first, remove } = this.#listeners.add(topic, listener);
    if (first) {
      const subscribed = this.#sub.subscribe(topicChannel(topic)).then(
        () => true,
        () => false, // Only when closing: a SUBSCRIBE waits for Redis to come back.
      );
      this.#subscriptions.set(topic, subscribed);
    }
    void this.#subscriptions.get(topic)?.then((ok) => {
      if (ok && !this.#closed) onSubscribed?.();
    });
    return () => {
      if (!remove()) return;
      this.#subscriptions.delete(topic);
      this.#sub.unsubscribe(topicChannel(topic)).catch(() => undefined);
    };
  }

  onGap(listener: () => void): () => void {
    return this.#listeners.addGapHook(listener);
  }

  async start(): Promise<void> {
    // Awaited too: publishing (and the readiness check) right after start must find it connected.
    const publisher = this.#pub.connect().catch(() => undefined);
    // Connecting first: a command sent before connect() would start the connection itself, and
    // connect() would then fail at once, returning before the subscription is in place.
    const connected = this.#sub.connect();
    const listening = this.#sub.subscribe(GAP_CHANNEL).then(() => {
      this.#listening = true;
    });
    // Redis away at boot must not stop the API: ioredis keeps retrying in the background.
    const failed = connected.then(
      () => listening,
      () => undefined,
    );
    await Promise.all([publisher, Promise.race([listening, failed]).catch(() => undefined)]);
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
    this.#listeners.clear();
    this.#pub.disconnect();
    this.#sub.disconnect();
  }

  async #send(channel: string, payload: string, topic?: string): Promise<boolean> {
    try {
      await this.#pub.publish(channel, payload);
      return true;
    } catch (error) {
      this.log.warn(
        { err: error, topic },
        'realtime message not published (Redis unavailable); subscribers resync once it is back',
      );
      return false;
    }
  }

  #receive(channel: string, raw: string): void {
    if (channel === GAP_CHANNEL) {
      this.#listeners.gap();
      return;
    }
    if (!channel.startsWith(TOPIC_PREFIX)) return;
    let message: unknown;
    try {
      message = JSON.parse(raw);
    } catch {
      this.log.warn({ channel }, 'ignored a realtime message that is not JSON');
      return;
    }
    this.#listeners.deliver(channel.slice(TOPIC_PREFIX.length), message);
  }

  /** Publishes failed while Redis was away: tell every node to resync its subscribers. */
  async #publisherBack(): Promise<void> {
    if (!this.#publishFailed) return;
    this.#publishFailed = false;
    this.log.info('Redis is back: asking every node to resync its live subscribers');
    if (!(await this.#send(GAP_CHANNEL, '{}'))) this.#publishFailed = true;
  }

  /** Messages published while this node was unsubscribed are lost: resync its subscribers. */
  async #subscriberBack(): Promise<void> {
    try {
      // Renewed before the gap hooks run, so nothing published after their re-read is missed.
      const topics = [...this.#listeners.topics()].map(topicChannel);
      await this.#sub.subscribe(GAP_CHANNEL, ...topics);
    } catch {
      return; // Dropped again; the next 'ready' retries.
    }
    this.#listening = true;
    if (!this.#subLost) return;
    this.#subLost = false;
    this.log.info('Redis is back: resyncing this node’s live subscribers');
    this.#listeners.gap();
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
