import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import { setRoomMembership } from '../../../commands/room-commands.js';
import type { RoomEvent } from '../../../domain/room/index.js';
import type { Runtime } from '../../../runtime.js';
import type { ReadModelsPosition } from '../../plugins/read-models-position.js';
import type { RealtimeBus } from '../../realtime/realtime-bus.js';
import type { SocketHub } from '../../realtime/socket-hub.js';
import type { MemberPresence, PresenceLookup } from '../room-views.js';
import { LiveRoom } from './live-room.js';
import { type PresenceBoard, presenceBoard } from './presence-board.js';
import { parseRoomBusMessage, type RoomBusMessage, roomTopic } from './room-bus-messages.js';
import { RoomConnection } from './room-connection.js';
import { roomClientMessage } from './room-live-messages.js';
import type { WaitBudget } from './room-presence.js';

/** The part of the realtime bus rooms use: the API's bus, shared by every node through Redis. */
export type RoomBus = Pick<RealtimeBus, 'publish' | 'subscribe' | 'onGap'>;

/** What rooms use of the app's realtime delivery: its bus, and its hub to count sockets. */
export interface RoomRealtime {
  readonly bus: RoomBus;
  readonly sockets: Pick<SocketHub, 'track'>;
}

/** Timeouts of room sockets (configurable so tests can shrink them). */
export interface RoomLiveOptions extends WaitBudget {
  readonly silentMs: number;
  readonly sweepMs: number;
}

// While anyone is online in a room, this node records it this often for the room closer.
const PRESENCE_WRITE_MS = 60_000;
// This often each room re-reads its stream for what never came over the bus (e.g. the closer).
const CATCH_UP_MS = 2_000;
// This node's members on the shared presence board lapse this long after its last refresh (a
// node that died stops showing them), and are refreshed well before.
const BOARD_TTL_MS = 30_000;
const BOARD_REFRESH_MS = 10_000;

/**
 * This node's room sockets: one LiveRoom per room with sockets here, following the bus topic
 * `room:<id>`. Sweeps its sockets: a member silent for `silentMs` is dropped and shown offline,
 * waiting rooms start once nobody is waited for, and round trips are measured by pings.
 */
export class RoomLive {
  readonly node = randomUUID();
  readonly #rooms = new Map<
    string,
    {
      live: LiveRoom;
      unsubscribe: () => void;
      presenceWrittenAt: number;
      caughtUpAt: number;
      sharedAt: number;
    }
  >();
  readonly #sweep: NodeJS.Timeout;
  readonly #unsubscribeGap: () => void;
  readonly #board: PresenceBoard;
  readonly #unshared = new Set<string>();
  #sharing: NodeJS.Immediate | undefined;
  private readonly bus: RoomBus;
  private readonly sockets: RoomRealtime['sockets'];

  constructor(
    private readonly runtime: Runtime,
    realtime: RoomRealtime,
    private readonly readModels: ReadModelsPosition,
    private readonly log: FastifyBaseLogger,
    private readonly options: RoomLiveOptions,
  ) {
    this.bus = realtime.bus;
    this.sockets = realtime.sockets;
    this.#board = presenceBoard(runtime.config.REDIS_URL, this.node, BOARD_TTL_MS, log);
    this.#sweep = setInterval(() => this.#sweepAll(), options.sweepMs).unref();
    // Messages may have been lost: every node re-reads where each room stands.
    this.#unsubscribeGap = this.bus.onGap(() => {
      for (const { live } of this.#rooms.values()) {
        live.enqueue(async () => {
          const before = live.lastSeq;
          await live.init();
          if (live.lastSeq !== before) for (const c of live.connections) await live.snapshot(c);
        });
      }
    });
  }

  /** Online and ready members of rooms, as every node reports them on the presence board. */
  readonly presence: PresenceLookup = (roomIds) => this.#board.read(roomIds);

  /** Publishes what sockets must hear of events appended outside the socket (REST, closer). */
  async publishEvents(
    roomId: string,
    events: readonly RoomEvent[],
    position?: string,
  ): Promise<void> {
    const room = this.#rooms.get(roomId)?.live ?? new LiveRoom(roomId, this.#liveDeps(roomId));
    await room.publishEvents(events, position);
  }

  /** Takes over a member's socket: joins them if they are not a member yet, then snapshot. */
  connect(roomId: string, userId: string, friendOfHost: boolean, socket: WebSocket): void {
    const live = this.#room(roomId);
    const connection = new RoomConnection(userId, socket, Date.now());
    live.connections.add(connection);
    this.sockets.track(socket);
    this.#share(roomId);
    socket.on('message', (raw, isBinary) => {
      connection.lastHeard = Date.now();
      this.#receive(live, connection, isBinary ? undefined : String(raw));
    });
    socket.once('close', () => this.#disconnect(live, connection));
    live.enqueue(async () => {
      const { state } = await this.runtime.commands.rooms.load(roomId);
      if (state && state.status === 'open' && !state.members.some((m) => m.userId === userId)) {
        const input = { roomId, userId, join: true, friendOfHost };
        const result = await setRoomMembership(this.runtime.commands, input, {
          correlationId: `room-socket:${roomId}`,
          userId,
        });
        await live.publishEvents(result.events, result.position);
      }
      await live.snapshot(connection);
      await this.#announce(live, connection);
    });
  }

  /** Stops sweeping, drops every room socket and takes this node's members off the board. */
  async close(): Promise<void> {
    clearInterval(this.#sweep);
    if (this.#sharing) clearImmediate(this.#sharing);
    this.#unsubscribeGap();
    for (const { live, unsubscribe } of this.#rooms.values()) {
      unsubscribe();
      for (const c of live.connections) c.socket.terminate();
    }
    this.#rooms.clear();
    await this.#board.close();
  }

  /** Puts the room's members here on the presence board, with other changes of this turn. */
  #share(roomId: string): void {
    this.#unshared.add(roomId);
    this.#sharing ??= setImmediate(() => {
      this.#sharing = undefined;
      for (const id of this.#unshared) void this.#board.put(id, this.#membersHere(id));
      this.#unshared.clear();
    });
  }

  /** The members with a socket of the room on this node: online, and ready if any socket is. */
  #membersHere(roomId: string): Map<string, MemberPresence> {
    const members = new Map<string, MemberPresence>();
    for (const c of this.#rooms.get(roomId)?.live.connections ?? []) {
      const ready = c.state === 'ready' || (members.get(c.userId)?.ready ?? false);
      members.set(c.userId, { online: true, ready });
    }
    return members;
  }

  #room(roomId: string): LiveRoom {
    const known = this.#rooms.get(roomId);
    if (known) return known.live;
    const live = new LiveRoom(roomId, this.#liveDeps(roomId));
    let subscribed!: () => void;
    const ready = new Promise<void>((resolve) => {
      subscribed = resolve;
    });
    // Nothing is handled before live delivery has begun and the room's state is read after it:
    // from then on the bus order is this node's order.
    live.enqueue(async () => {
      await ready;
      await live.init();
      await this.bus.publish(roomTopic(roomId), {
        t: 'hello',
        node: this.node,
      } satisfies RoomBusMessage);
    });
    const unsubscribe = this.bus.subscribe(
      roomTopic(roomId),
      (message) => {
        const parsed = parseRoomBusMessage(message);
        if (!parsed) return;
        if (parsed.t === 'hello' && parsed.node !== this.node) {
          live.enqueue(async () => {
            for (const c of live.connections) await this.#announce(live, c);
          });
        }
        live.enqueue(() => live.receive(parsed));
      },
      () => subscribed(),
    );
    const at = Date.now();
    this.#rooms.set(roomId, {
      live,
      unsubscribe,
      presenceWrittenAt: 0,
      caughtUpAt: at,
      sharedAt: at,
    });
    return live;
  }

  #liveDeps(roomId: string) {
    const { commands, store, db, now } = this.runtime;
    const { bufferWaitMs, firstLoadWaitMs } = this.options;
    return {
      commands,
      store,
      db,
      log: this.log,
      now,
      readModels: this.readModels,
      budget: { bufferWaitMs, firstLoadWaitMs },
      publish: (message: RoomBusMessage) => this.bus.publish(roomTopic(roomId), message),
    };
  }

  #receive(live: LiveRoom, connection: RoomConnection, text: string | undefined): void {
    const serverReceived = this.runtime.now().getTime();
    let json: unknown;
    try {
      json = text === undefined ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = roomClientMessage.safeParse(json);
    if (!parsed.success) {
      const message = 'expected a JSON message with type ping, control, status, chat or resume';
      connection.write({ type: 'error', code: 'validation_failed', message });
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case 'ping': {
        const { id, clientSent } = message;
        connection.write({
          type: 'pong',
          id,
          clientSent,
          serverReceived,
          serverSent: this.runtime.now().getTime(),
        });
        return;
      }
      case 'status':
        this.#status(live, connection, message.state, message.position);
        return;
      case 'control':
        // Not through the room's bus queue: the decision is the store's, and the result comes back over the bus.
        void live.control(connection, message);
        return;
      case 'chat':
        void live.chat(connection, message.text, message.requestId);
        return;
      case 'resume':
        live.enqueue(async () => {
          connection.seq = undefined;
          await live.snapshot(connection);
        });
        return;
      default: {
        const _: never = message;
        return;
      }
    }
  }

  #status(
    live: LiveRoom,
    connection: RoomConnection,
    state: 'ready' | 'buffering',
    position: number | undefined,
  ): void {
    if (position !== undefined && Number.isFinite(position)) connection.mediaPosition = position;
    if (state === connection.state) return;
    connection.state = state;
    if (state === 'ready') {
      connection.everReady = true;
      connection.bufferingSince = null;
    } else connection.bufferingSince = Date.now();
    void this.#announce(live, connection);
    this.#share(live.roomId);
  }

  /** Tells every node what this connection's member is doing now. */
  async #announce(live: LiveRoom, connection: RoomConnection): Promise<void> {
    const online = live.connections.has(connection);
    const message: RoomBusMessage = {
      t: 'presence',
      node: this.node,
      entry: connection.entry(online),
    };
    await this.bus.publish(roomTopic(live.roomId), message);
  }

  #disconnect(live: LiveRoom, connection: RoomConnection): void {
    if (!live.connections.delete(connection)) return;
    // Another socket of the same member here keeps them online.
    const other = [...live.connections].find((c) => c.userId === connection.userId);
    void this.#announce(live, other ?? connection);
    this.#share(live.roomId);
    if (live.connections.size === 0) {
      const entry = this.#rooms.get(live.roomId);
      this.#rooms.delete(live.roomId);
      // After the offline presence went out on the bus: unsubscribing first would drop it here.
      live.enqueue(async () => {
        entry?.unsubscribe();
        await this.#writePresence([live.roomId]);
      });
    }
  }

  #sweepAll(): void {
    const now = Date.now();
    const pingEveryMs = Math.min(5000, this.options.silentMs / 3);
    const presenceDue: string[] = [];
    for (const [roomId, entry] of this.#rooms) {
      const { live } = entry;
      for (const c of live.connections) {
        if (now - c.lastHeard > this.options.silentMs) {
          // Silent: gone without a close (a dead link). Offline now, and never waited for.
          c.socket.terminate();
          this.#disconnect(live, c);
          continue;
        }
        c.ping(now, pingEveryMs);
        if (c.rttChanged()) void this.#announce(live, c);
      }
      live.enqueue(() => live.checkWaiting());
      if (now - entry.sharedAt > BOARD_REFRESH_MS) {
        entry.sharedAt = now;
        this.#share(roomId);
      }
      if (now - entry.caughtUpAt > CATCH_UP_MS) {
        entry.caughtUpAt = now;
        live.catchUp().catch((error: unknown) => {
          this.log.warn({ err: error, roomId }, 'room catch-up failed; will retry');
        });
      }
      // On the timeline's clock, the one the room closer judges emptiness by.
      const serverNow = this.runtime.now().getTime();
      if (serverNow - entry.presenceWrittenAt > PRESENCE_WRITE_MS && live.connections.size > 0) {
        entry.presenceWrittenAt = serverNow;
        presenceDue.push(roomId);
      }
    }
    if (presenceDue.length > 0) void this.#writePresence(presenceDue);
  }

  /**
   * Records that someone was online in the rooms just now (for the room closer), in one
   * statement: rooms opened together fall due together, and a commit each would queue for the
   * pool beside the controls' appends.
   */
  async #writePresence(roomIds: readonly string[]): Promise<void> {
    const at = this.runtime.now();
    try {
      await this.runtime.db
        .insertInto('room_presence')
        .values(roomIds.map((roomId) => ({ room_id: roomId, last_online_at: at })))
        .onConflict((oc) => oc.column('room_id').doUpdateSet({ last_online_at: at }))
        .execute();
    } catch (error) {
      this.log.warn({ err: error, roomIds }, 'could not record room presence');
    }
  }
}
