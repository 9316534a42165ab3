import type { FastifyBaseLogger } from 'fastify';
import type { CommandContext } from '../../../commands/command-context.js';
import {
  controlPlayback,
  postChatMessage,
  releaseWaiting,
} from '../../../commands/room-commands.js';
import { DomainError } from '../../../domain/errors.js';
import {
  isMember,
  type PlaybackControl,
  type PlaybackRecord,
  positionAt,
  type RoomEvent,
  roomDecider,
  scheduleLead,
} from '../../../domain/room/index.js';
import type { EventStore } from '../../../eventstore/event-store.js';
import type { Db } from '../../../projections/db/database.js';
import type { ReadModelsPosition } from '../../plugins/read-models-position.js';
import { listMessages } from '../room-queries.js';
import { factsOf, knownPresence, presentRoom } from '../room-views.js';
import { busMessagesFor, type ChatMessageView, type RoomBusMessage } from './room-bus-messages.js';
import { type Outgoing, outgoing, type RoomConnection } from './room-connection.js';
import type { RoomClientMessage } from './room-live-messages.js';
import {
  onlineRoundTrips,
  type PresenceEntry,
  presenceView,
  type WaitBudget,
  waitedFor,
} from './room-presence.js';

/** What a live room needs from its node. */
export interface LiveRoomDeps {
  readonly commands: CommandContext;
  readonly store: EventStore;
  readonly db: Db;
  readonly log: FastifyBaseLogger;
  readonly budget: WaitBudget;
  /** Publishes on this room's bus topic. */
  publish(message: RoomBusMessage): void | Promise<void>;
  /** Server time for the timeline (the runtime's clock). */
  now(): Date;
  /** Where the read models stand: what a socket is sent next may be read from them. */
  readonly readModels: ReadModelsPosition;
}

type Control = Extract<RoomClientMessage, { type: 'control' }>;

// How long a snapshot or a members list waits for the read models to include what it follows.
const READ_MODELS_WAIT_MS = 2_000;

// Members lists go out at most this often: a crowd joining is one list, not one per member.
const MEMBERS_EVERY_MS = 200;

/**
 * One room as this node follows it: its sockets here, every member's presence (from the bus),
 * and the last playback forwarded. Bus messages are handled one at a time, in bus order, so the
 * sockets of every node receive the same messages in the same order; a playback `seq` that
 * skips ahead (two nodes published out of order) is filled in from the room's stream, and one
 * already passed is dropped — on every node alike.
 */
export class LiveRoom {
  readonly connections = new Set<RoomConnection>();
  /** What each node last said of each member, by `<node> <userId>`. */
  readonly presence = new Map<string, PresenceEntry>();
  lastSeq = -1;
  status: PlaybackRecord['status'] = 'paused';
  closed = false;
  #chain: Promise<void> = Promise.resolve();
  #membersTimer: NodeJS.Timeout | undefined;
  /** The last members list sent to every socket here; none since the last snapshot. */
  #lastMembers: string | undefined;
  #releasing = false;
  /** The log position of the newest chat message this node has relayed, if any. */
  #lastChatPosition: string | undefined;
  /** The log position of the newest membership, lock or invitation change relayed, if any. */
  #lastChangePosition: string | undefined;

  constructor(
    readonly roomId: string,
    private readonly deps: LiveRoomDeps,
  ) {}

  /** Runs `task` after the bus messages before it. */
  enqueue(task: () => Promise<void>): void {
    this.#chain = this.#chain.then(task).catch((error: unknown) => {
      this.deps.log.error({ err: error, roomId: this.roomId }, 'room socket task failed');
    });
  }

  /** Reads where the room stands: the start of this node's bus order. */
  async init(): Promise<void> {
    const { state } = await this.deps.commands.rooms.load(this.roomId);
    if (!state) return;
    this.lastSeq = state.playback.seq;
    this.status = state.playback.status;
    this.closed = state.status === 'closed';
  }

  /** A bus message of this room, in bus order. */
  async receive(message: RoomBusMessage): Promise<void> {
    switch (message.t) {
      case 'playback':
        return this.#playback(message.playback, message.by);
      case 'closed': {
        await this.#playback(message.playback, null);
        this.closed = true;
        const closed = outgoing({ type: 'closed', reason: message.reason });
        for (const c of this.connections) c.send(closed);
        return;
      }
      case 'chat': {
        this.#lastChatPosition = this.#later(this.#lastChatPosition, message.position);
        const chat = outgoing({ type: 'chat', message: message.message });
        for (const c of this.connections) c.send(chat);
        return;
      }
      case 'presence': {
        // By node too: a member online on one node stays so when their socket on another closes.
        const key = `${message.node} ${message.entry.userId}`;
        const before = this.presence.get(key);
        this.presence.set(key, message.entry);
        // A new round trip or buffering start shows nowhere in `members`: no list for it (a
        // crowd's round trips move together under load, and each list goes to every socket).
        if (!before || shownChanged(before, message.entry)) this.scheduleMembers();
        await this.checkWaiting();
        return;
      }
      case 'changed':
        this.#lastChangePosition = this.#later(this.#lastChangePosition, message.position);
        this.scheduleMembers();
        return;
      case 'hello':
        return;
      default: {
        const _: never = message;
        return;
      }
    }
  }

  async #playback(playback: PlaybackRecord, by: string | null): Promise<void> {
    if (playback.seq <= this.lastSeq) return;
    if (this.lastSeq >= 0 && playback.seq > this.lastSeq + 1) await this.#fillGap(playback.seq);
    this.#forward(playback, by);
  }

  #forward(playback: PlaybackRecord, by: string | null): void {
    this.lastSeq = playback.seq;
    this.status = playback.status;
    const change = outgoing({ type: 'playback', playback, by }, playback.seq);
    for (const c of this.connections) c.send(change);
  }

  /** The changes between the last forwarded and `seq`, from the stream, in order. */
  async #fillGap(seq: number): Promise<void> {
    const { events } = await this.deps.store.read(`room-${this.roomId}`);
    for (const event of events) {
      if (!roomDecider.isEvent(event) || event.type !== 'PlaybackChanged') continue;
      const { playback, by } = event.data;
      if (playback.seq > this.lastSeq && playback.seq < seq) this.#forward(playback, by);
    }
  }

  /**
   * Whether the room's stream is ahead of what this node forwarded; if so, catches up in bus
   * order. The look is taken beside the bus queue, not in it: a read waiting for a database
   * connection must not hold back the playbacks behind it, and it rarely finds anything.
   */
  async catchUp(): Promise<void> {
    const { state } = await this.deps.commands.rooms.load(this.roomId);
    if (!state) return;
    const behind = state.status === 'open' ? state.playback.seq > this.lastSeq : !this.closed;
    if (behind) this.enqueue(() => this.#catchUpInOrder());
  }

  /**
   * Catches up with the room's stream: what was appended without reaching this node's bus
   * (the room closer runs in the projecting process; a message lost while Redis was away) is
   * forwarded here, in seq order, as if it had come over the bus.
   */
  async #catchUpInOrder(): Promise<void> {
    const { state } = await this.deps.commands.rooms.load(this.roomId);
    if (!state) return;
    if (state.playback.seq > this.lastSeq && state.status === 'open') {
      await this.#fillGap(state.playback.seq + 1);
    }
    if (state.status === 'closed' && !this.closed) {
      const { events } = await this.deps.store.read(`room-${this.roomId}`);
      const closed = events.find(
        (event) => roomDecider.isEvent(event) && event.type === 'RoomClosed',
      );
      if (closed && roomDecider.isEvent(closed) && closed.type === 'RoomClosed') {
        await this.receive({
          t: 'closed',
          reason: closed.data.reason,
          playback: closed.data.playback,
        });
      }
    }
  }

  /** Sends a connection its snapshot: room, playback, the last 100 chat messages, server time. */
  async snapshot(connection: RoomConnection): Promise<void> {
    const { state } = await this.deps.commands.rooms.load(this.roomId);
    if (!state) return;
    const presence = knownPresence(this.roomId, presenceView(this.presence.values()));
    const room = await presentRoom(this.deps.db, factsOf(state), presence);
    const chat = await this.#recentChat();
    // This socket now shows the room as of now, maybe unlike the last list: the next one goes out.
    this.#lastMembers = undefined;
    const serverTime = this.deps.now().toISOString();
    connection.sendSnapshot(
      { type: 'snapshot', room, playback: room.playback, chat, serverTime },
      state.playback.seq,
    );
    if (state.status === 'closed') connection.send(outgoing({ type: 'closed', reason: 'closed' }));
  }

  #later(a: string | undefined, b: string | undefined): string | undefined {
    if (a === undefined) return b;
    if (b === undefined) return a;
    return this.deps.store.comparePositions(a, b) >= 0 ? a : b;
  }

  /**
   * Waits, briefly, for the read models to pass `position`: what a socket is sent next is read
   * from them (the chat history), or makes its client read them (`members` → GET the room).
   * Past READ_MODELS_WAIT_MS it goes on with the read models as they stand.
   */
  async #readModelsAt(position: string | undefined, what: string): Promise<void> {
    if (position === undefined) return;
    if (!(await this.deps.readModels.reached(position, READ_MODELS_WAIT_MS))) {
      this.deps.log.warn({ roomId: this.roomId }, `${what} sent before the read models caught up`);
    }
  }

  /**
   * The chat history comes from the read models, which trail the log: a message relayed to the
   * room just before a member joined reached neither their socket (not open yet) nor, maybe,
   * the history. So the snapshot waits for the read models to pass the newest message relayed
   * here, briefly (see `#readModelsAt`).
   */
  async #recentChat(): Promise<ChatMessageView[] | null> {
    await this.#readModelsAt(this.#lastChatPosition, 'chat history');
    try {
      const page = await listMessages(this.deps.db, this.roomId, { limit: 100 });
      return page.items.reverse();
    } catch (error) {
      this.deps.log.warn({ err: error, roomId: this.roomId }, 'chat history unavailable');
      return [];
    }
  }

  /** Sends `members` to this node's sockets once the current burst of changes is over. */
  scheduleMembers(): void {
    if (this.#membersTimer) return;
    this.#membersTimer = setTimeout(() => {
      this.#membersTimer = undefined;
      this.enqueue(() => this.#sendMembers());
    }, MEMBERS_EVERY_MS);
  }

  async #sendMembers(): Promise<void> {
    if (this.connections.size === 0) return;
    // Clients re-read the room on `members` (for a lock or an invitation): let them find it.
    await this.#readModelsAt(this.#lastChangePosition, 'members');
    const { state } = await this.deps.commands.rooms.load(this.roomId);
    if (!state) return;
    const presence = knownPresence(this.roomId, presenceView(this.presence.values()));
    const room = await presentRoom(this.deps.db, factsOf(state), presence);
    // Unchanged (a membership event that left the room as it was): every socket has it already.
    // The whole room decides, not just the list: `members` also tells clients to re-read the
    // room after a lock change or an invitation, which the list does not show.
    const { members: list, locked, invited, status } = room;
    const seen = JSON.stringify({ list, locked, invited, status });
    if (seen === this.#lastMembers) return;
    this.#lastMembers = seen;
    const members: Outgoing = {
      data: Buffer.from(JSON.stringify({ type: 'members', members: list })),
    };
    for (const c of this.connections) c.send(members);
  }

  /** Starts a waiting room once nobody online is waited for any more. */
  async checkWaiting(): Promise<void> {
    if (this.status !== 'waiting' || this.closed || this.#releasing) return;
    if (waitedFor(this.presence.values(), Date.now(), this.deps.budget).length > 0) return;
    this.#releasing = true;
    try {
      const lead = scheduleLead(onlineRoundTrips(this.presence.values()));
      const metadata = { correlationId: `room-waiting:${this.roomId}` };
      const result = await releaseWaiting(this.deps.commands, this.roomId, lead, metadata);
      await this.publishEvents(result.events, result.position);
    } catch (error) {
      this.deps.log.warn(
        { err: error, roomId: this.roomId },
        'could not release waiting; will retry',
      );
    } finally {
      this.#releasing = false;
    }
  }

  /** A member's control: decided against the room, appended, then published on the bus. */
  async control(connection: RoomConnection, message: Control): Promise<void> {
    const control = toControl(message);
    if (!control) {
      const text =
        message.action === 'seek' ? 'a seek needs a position' : 'a rate change needs a rate';
      connection.write({
        type: 'error',
        code: 'invalid_control',
        message: text,
        requestId: message.requestId,
      });
      return;
    }
    const entries = this.presence.values();
    const someoneBuffering =
      waitedFor(this.presence.values(), Date.now(), this.deps.budget).length > 0;
    const input = {
      roomId: this.roomId,
      userId: connection.userId,
      control,
      leadMs: scheduleLead(onlineRoundTrips(entries)),
      someoneBuffering,
    };
    const metadata = {
      correlationId: message.requestId ?? `room:${this.roomId}`,
      userId: connection.userId,
    };
    try {
      const result = await controlPlayback(this.deps.commands, input, metadata);
      await this.publishEvents(result.events, result.position);
    } catch (error) {
      this.#refuse(connection, error, message.requestId);
    }
  }

  /** A member's chat message, on the room's own chat stream: its failure never stops playback. */
  async chat(
    connection: RoomConnection,
    text: string,
    requestId: string | undefined,
  ): Promise<void> {
    try {
      const { state } = await this.deps.commands.rooms.load(this.roomId);
      if (!state || !isMember(state, connection.userId))
        throw new DomainError('not_room_member', 'join the room first');
      if (state.status === 'closed') throw new DomainError('room_closed', 'the room is closed');
      const mediaPosition =
        connection.mediaPosition ?? positionAt(state.playback, this.deps.now().getTime());
      const input = { roomId: this.roomId, userId: connection.userId, text, mediaPosition };
      const metadata = {
        correlationId: requestId ?? `room-chat:${this.roomId}`,
        userId: connection.userId,
      };
      const result = await postChatMessage(this.deps.commands, input, metadata);
      const posted = result.events[0];
      if (!posted) return;
      const user = await this.deps.db
        .selectFrom('users')
        .select('display_name')
        .where('id', '=', connection.userId)
        .executeTakeFirst();
      const { messageId, userId, sentAt } = posted.data;
      const view = {
        id: messageId,
        userId,
        displayName: user?.display_name ?? '',
        text: posted.data.text,
        mediaPosition: posted.data.mediaPosition,
        sentAt,
      };
      await this.deps.publish({ t: 'chat', message: view, position: result.position });
    } catch (error) {
      if (error instanceof DomainError) this.#refuse(connection, error, requestId);
      else {
        this.deps.log.warn({ err: error, roomId: this.roomId }, 'chat store failed');
        connection.write({
          type: 'error',
          code: 'chat_unavailable',
          message: 'the chat is unavailable for now; playback is not affected',
          requestId,
        });
      }
    }
  }

  /**
   * Publishes what the sockets must hear of appended events; `position` is where their command
   * left the log (its result's position).
   */
  async publishEvents(events: readonly RoomEvent[], position?: string): Promise<void> {
    for (const message of busMessagesFor(events, position)) await this.deps.publish(message);
  }

  #refuse(connection: RoomConnection, error: unknown, requestId: string | undefined): void {
    if (error instanceof DomainError) {
      connection.write({ type: 'error', code: error.code, message: error.message, requestId });
      return;
    }
    this.deps.log.error({ err: error, roomId: this.roomId }, 'room control failed');
    connection.write({
      type: 'error',
      code: 'internal_error',
      message: 'the control failed; try again',
      requestId,
    });
  }
}

/** Whether what `members` shows of a member (online, ready) differs between two entries. */
function shownChanged(before: PresenceEntry, after: PresenceEntry): boolean {
  const ready = (e: PresenceEntry) => e.online && e.state === 'ready';
  return before.online !== after.online || ready(before) !== ready(after);
}

function toControl(message: Control): PlaybackControl | undefined {
  switch (message.action) {
    case 'play':
    case 'pause':
      return { action: message.action };
    case 'seek':
      return message.position === undefined
        ? undefined
        : { action: 'seek', position: message.position };
    case 'rate':
      return message.rate === undefined ? undefined : { action: 'rate', rate: message.rate };
    default: {
      const _: never = message.action;
      return undefined;
    }
  }
}
