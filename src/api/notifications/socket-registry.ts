import type { NotificationSocket } from './notification-socket.js';
import type { Notifier, NotifierMessage } from './notifier.js';

let openSockets = 0;

/** Open notification WebSockets in this process (for the metrics gauge). */
export function openNotificationSockets(): number {
  return openSockets;
}

/**
 * This node's open notification sockets by user: forwards what the notifier delivers to the
 * recipient's sockets, and pings every socket, dropping those that missed the previous ping.
 */
export class SocketRegistry {
  readonly #byUser = new Map<string, Set<NotificationSocket>>();
  readonly #unsubscribe: () => void;
  readonly #heartbeat: NodeJS.Timeout;

  constructor(notifier: Notifier, pingMs: number) {
    this.#unsubscribe = notifier.subscribe((message) => this.#deliver(message));
    this.#heartbeat = setInterval(() => this.#ping(), pingMs).unref();
  }

  /** Sockets currently registered. */
  get size(): number {
    let size = 0;
    for (const sockets of this.#byUser.values()) size += sockets.size;
    return size;
  }

  /** Registers a socket until it closes. */
  add(connection: NotificationSocket): void {
    const sockets = this.#byUser.get(connection.userId) ?? new Set();
    sockets.add(connection);
    this.#byUser.set(connection.userId, sockets);
    openSockets += 1;
    connection.socket.once('close', () => this.#remove(connection));
  }

  /** Stops pinging and forwarding, and drops every socket. */
  close(): void {
    clearInterval(this.#heartbeat);
    this.#unsubscribe();
    for (const sockets of this.#byUser.values()) {
      for (const connection of sockets) connection.socket.terminate();
    }
  }

  #remove(connection: NotificationSocket): void {
    const sockets = this.#byUser.get(connection.userId);
    if (!sockets?.delete(connection)) return;
    openSockets -= 1;
    if (sockets.size === 0) this.#byUser.delete(connection.userId);
  }

  #deliver(message: NotifierMessage): void {
    if (message.kind === 'gap') {
      for (const sockets of this.#byUser.values()) {
        for (const connection of sockets) connection.catchUp();
      }
      return;
    }
    for (const notification of message.notifications) {
      const sockets = this.#byUser.get(notification.userId);
      if (sockets) for (const connection of sockets) connection.push(notification);
    }
  }

  #ping(): void {
    for (const sockets of this.#byUser.values()) {
      for (const connection of sockets) {
        if (!connection.alive) {
          connection.socket.terminate();
          continue;
        }
        connection.alive = false;
        connection.socket.ping();
      }
    }
  }
}
