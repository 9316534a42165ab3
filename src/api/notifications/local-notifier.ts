import type { FastifyBaseLogger } from 'fastify';
import type { Notification } from '../../projections/notification-inbox.js';
import type { Notifier, NotifierHandler } from './notifier.js';
import { NotifierHandlers } from './notifier-handlers.js';

/** Without REDIS_URL: notifications reach only this process's sockets. */
export class LocalNotifier implements Notifier {
  readonly #handlers: NotifierHandlers;

  constructor(log: FastifyBaseLogger) {
    this.#handlers = new NotifierHandlers(log);
  }

  publish(notifications: readonly Notification[]): void {
    if (notifications.length > 0) this.#handlers.emit({ kind: 'notifications', notifications });
  }

  subscribe(handler: NotifierHandler): () => void {
    return this.#handlers.add(handler);
  }

  async start(): Promise<void> {}

  async check(): Promise<undefined> {
    return undefined;
  }

  async close(): Promise<void> {
    this.#handlers.clear();
  }
}
