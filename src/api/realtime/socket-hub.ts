import type { WebSocket } from 'ws';
import type { RealtimeBus } from './realtime-bus.js';

/** A live WebSocket the hub drives: it hears its topics for as long as it is open. */
export interface LiveConnection {
  readonly socket: WebSocket;
  /** The bus topics this connection follows (e.g. `user:<id>`, `room:<id>`). */
  readonly topics: readonly string[];
  /** A message published on one of its topics. */
  receive(topic: string, message: unknown): void;
  /** Live delivery of `topic` has begun: what was published before it was not delivered. */
  subscribed?(topic: string): void;
  /** Live delivery may have lost messages: re-read what was missed. */
  resync(): void;
}

/**
 * This node's open WebSockets, of every kind (one per app): subscribes each to its topics on
 * the bus, forwards gaps, pings every socket and drops those that missed the previous ping,
 * and counts them for the metrics gauge.
 */
export class SocketHub {
  readonly #connections = new Map<LiveConnection, () => void>();
  readonly #silent = new WeakSet<WebSocket>();
  /** Sockets another part drives (room sockets), counted here while open. */
  readonly #tracked = new Set<WebSocket>();
  readonly #unsubscribeGap: () => void;
  readonly #heartbeat: NodeJS.Timeout;

  constructor(
    private readonly bus: RealtimeBus,
    pingMs: number,
  ) {
    this.#unsubscribeGap = bus.onGap(() => {
      for (const connection of this.#connections.keys()) connection.resync();
    });
    this.#heartbeat = setInterval(() => this.#ping(), pingMs).unref();
  }

  /** Open sockets on this node, those the hub drives and those it only counts. */
  get size(): number {
    return this.#connections.size + this.#tracked.size;
  }

  /** Counts a socket driven elsewhere (its own topics and pings) until it closes. */
  track(socket: WebSocket): void {
    if (socket.readyState > 1) return;
    this.#tracked.add(socket);
    socket.once('close', () => this.#tracked.delete(socket));
  }

  /** Registers a connection until its socket closes. */
  add(connection: LiveConnection): void {
    const { socket } = connection;
    socket.on('pong', () => this.#silent.delete(socket));
    const unsubscribes = connection.topics.map((topic) =>
      this.bus.subscribe(
        topic,
        (message) => connection.receive(topic, message),
        () => connection.subscribed?.(topic),
      ),
    );
    this.#connections.set(connection, () => {
      for (const unsubscribe of unsubscribes) unsubscribe();
    });
    socket.once('close', () => this.#remove(connection));
  }

  /** Stops pinging and forwarding, and drops every socket. */
  close(): void {
    clearInterval(this.#heartbeat);
    this.#unsubscribeGap();
    for (const connection of [...this.#connections.keys()]) {
      this.#remove(connection);
      connection.socket.terminate();
    }
  }

  #remove(connection: LiveConnection): void {
    const unsubscribe = this.#connections.get(connection);
    if (!unsubscribe) return;
    this.#connections.delete(connection);
    unsubscribe();
  }

  #ping(): void {
    for (const { socket } of this.#connections.keys()) {
      if (this.#silent.has(socket)) {
        socket.terminate();
        continue;
      }
      this.#silent.add(socket);
      socket.ping();
    }
  }
}
