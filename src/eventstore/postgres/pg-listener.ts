import type pg from 'pg';
import type { NotifyHandler } from './sql-client.js';

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** LISTEN on one dedicated pooled connection shared by all handlers, reconnecting when it drops. */
export class PgListener {
  readonly #pool: pg.Pool;
  readonly #retryMs: number;
  readonly #handlers = new Map<string, Set<NotifyHandler>>();
  #connecting: Promise<pg.PoolClient> | undefined;
  #current: pg.PoolClient | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(pool: pg.Pool, retryMs = 500) {
    this.#pool = pool;
    this.#retryMs = retryMs;
  }

  /** Adds a handler; resolves once the connection listens on the channel. */
  async add(channel: string, handler: NotifyHandler): Promise<() => Promise<void>> {
    const set = this.#handlers.get(channel) ?? new Set<NotifyHandler>();
    this.#handlers.set(channel, set);
    set.add(handler);
    try {
      const client = await this.#connection();
      // LISTEN is idempotent, so a connect that already covered the channel is harmless.
      await client.query(`LISTEN ${quoteIdent(channel)}`);
    } catch (error) {
      this.#remove(channel, handler);
      throw error;
    }
    return async () => {
      if (!this.#remove(channel, handler) || this.#current === undefined) return;
      await this.#current.query(`UNLISTEN ${quoteIdent(channel)}`).catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    const client = await this.#connecting?.catch(() => undefined);
    if (client !== undefined) this.#drop(client);
  }

  /** Removes a handler; true when its channel has no handler left. */
  #remove(channel: string, handler: NotifyHandler): boolean {
    const set = this.#handlers.get(channel);
    set?.delete(handler);
    if (set === undefined || set.size > 0) return false;
    this.#handlers.delete(channel);
    return true;
  }

  #connection(): Promise<pg.PoolClient> {
    this.#connecting ??= this.#connect().catch((error: unknown) => {
      this.#connecting = undefined;
      throw error;
    });
    return this.#connecting;
  }

  async #connect(): Promise<pg.PoolClient> {
    const client = await this.#pool.connect();
    client.on('notification', (message) => this.#dispatch(message.channel, message.payload ?? ''));
    client.on('error', () => this.#lost(client));
    client.on('end', () => this.#lost(client));
    this.#current = client;
    try {
      for (const channel of this.#handlers.keys()) {
        await client.query(`LISTEN ${quoteIdent(channel)}`);
      }
    } catch (error) {
      this.#lost(client);
      throw error;
    }
    return client;
  }

  #dispatch(channel: string, payload: string): void {
    for (const handler of this.#handlers.get(channel) ?? []) handler(payload);
  }

  #lost(client: pg.PoolClient): void {
    if (this.#current !== client) return;
    this.#drop(client);
    if (!this.#closed) this.#scheduleReconnect();
  }

  #drop(client: pg.PoolClient): void {
    if (this.#current !== client) return;
    this.#current = undefined;
    this.#connecting = undefined;
    client.removeAllListeners('notification');
    // Destroy rather than return it: a pooled connection must not keep our LISTENs.
    client.release(true);
  }

  #scheduleReconnect(): void {
    if (this.#handlers.size === 0) return;
    this.#retryTimer = setTimeout(() => {
      this.#connection().then(
        // Notifications sent while disconnected are lost: wake everyone so they re-read.
        () => {
          for (const channel of this.#handlers.keys()) this.#dispatch(channel, '');
        },
        () => this.#scheduleReconnect(),
      );
    }, this.#retryMs);
    this.#retryTimer.unref();
  }
}
