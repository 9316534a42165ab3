import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import type { WebSocket } from 'ws';
import type { Db } from '../../projections/db/database.js';
import {
  type Notification,
  readInbox,
  toItem,
} from '../../projections/read-models/notifications/notification-inbox.js';
import type { LiveConnection } from '../realtime/socket-hub.js';
import { clientMessage } from '../schemas/notification.js';
import { notificationsMessage, userTopic } from './notification-fan-out.js';

const PAGE = 100;
// A client this far behind is not reading: drop it rather than hold its backlog in memory.
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const OPEN = 1;

/**
 * One user's notification WebSocket, following the topic `user:<id>`. Sends each notification
 * at most once and in cursor order: it remembers the last cursor sent, and while a resume reads
 * the inbox it holds live pushes back, then sends those the inbox read did not already cover.
 */
export class NotificationSocket implements LiveConnection {
  readonly topics: readonly string[];
  #lastSent: bigint | undefined;
  /** Live pushes held back while inbox reads run; undefined when none runs. */
  #held: Notification[] | undefined;
  #reads = 0;
  #chain: Promise<void> = Promise.resolve();

  constructor(
    readonly userId: string,
    readonly socket: WebSocket,
    private readonly db: Db,
    private readonly log: FastifyBaseLogger,
  ) {
    this.topics = [userTopic(userId)];
    socket.on('message', (raw, isBinary) => this.#receive(isBinary ? undefined : String(raw)));
    // A cursor from the start, so a catch-up after an outage reaches this socket even if it
    // has received nothing yet: it gets everything committed after it connected.
    this.#queue(() => this.#startAtInboxHead());
  }

  /** Notifications committed just now (live fan-out). */
  receive(_topic: string, message: unknown): void {
    const parsed = notificationsMessage.safeParse(message);
    if (!parsed.success) {
      this.log.warn({ userId: this.userId }, 'ignored a malformed notifications message');
      return;
    }
    for (const notification of parsed.data.notifications) this.#push(notification);
  }

  /** Live delivery began after the inbox head was read: re-read what fell in between. */
  subscribed(): void {
    this.#readInbox(undefined);
  }

  /** Live delivery may have missed some: re-read the inbox after the last cursor sent. */
  resync(): void {
    this.#readInbox(undefined);
  }

  #push(notification: Notification): void {
    if (this.#held) this.#held.push(notification);
    else this.#send(notification);
  }

  #receive(text: string | undefined): void {
    let json: unknown;
    try {
      json = text === undefined ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    const message = clientMessage.safeParse(json);
    if (!message.success) {
      this.#write({
        type: 'error',
        code: 'invalid_message',
        message: 'expected {"type":"resume","after":"<cursor>"}',
      });
      return;
    }
    // The client has everything up to `after`: the inbox is replayed from there, in order.
    this.#readInbox(BigInt(message.data.after ?? '0'));
  }

  /** Queues an inbox read from `from` (or from the last cursor sent); live pushes wait. */
  #readInbox(from: bigint | undefined): void {
    this.#queue(() => this.#replay(from));
  }

  async #startAtInboxHead(): Promise<void> {
    const row = await this.db
      .selectFrom('notifications')
      .select(sql<string | null>`max(cursor)::text`.as('last'))
      .where('user_id', '=', this.userId)
      .executeTakeFirst();
    this.#lastSent ??= BigInt(row?.last ?? '0');
  }

  /** Runs inbox reads one after another; live pushes wait until none runs. */
  #queue(step: () => Promise<void>): void {
    this.#held ??= [];
    this.#reads += 1;
    this.#chain = this.#chain
      .then(step)
      .catch((error: unknown) => {
        this.log.warn({ err: error, userId: this.userId }, 'reading the inbox for a socket failed');
        this.#write({ type: 'error', code: 'resume_failed', message: 'try the resume again' });
      })
      .finally(() => {
        this.#reads -= 1;
        if (this.#reads > 0) return;
        const held = this.#held ?? [];
        this.#held = undefined;
        for (const notification of held) this.#send(notification);
      });
  }

  async #replay(from: bigint | undefined): Promise<void> {
    if (from !== undefined) this.#lastSent = from;
    for (;;) {
      if (this.#lastSent === undefined || this.socket.readyState !== OPEN) return;
      const after = String(this.#lastSent);
      const page = await readInbox(this.db, { userId: this.userId, after, limit: PAGE });
      for (const notification of page) this.#send(notification);
      if (page.length < PAGE) return;
    }
  }

  #send(notification: Notification): void {
    const cursor = BigInt(notification.cursor);
    if (this.#lastSent !== undefined && cursor <= this.#lastSent) return;
    this.#lastSent = cursor;
    this.#write({ type: 'notification', notification: toItem(notification) });
  }

  #write(message: Record<string, unknown>): void {
    if (this.socket.readyState !== OPEN) return;
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.log.warn({ userId: this.userId }, 'dropping a notification socket that does not read');
      this.socket.terminate();
      return;
    }
    this.socket.send(JSON.stringify(message));
  }
}
