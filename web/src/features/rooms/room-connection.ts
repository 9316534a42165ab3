import { signal } from '@preact/signals';
import { api } from '../../api/client';
import type { ChatMessage, Playback, Room, RoomMember } from '../../api/types';
import { ClockSync, type PongTimes } from '../../sync/clock-sync';

// The room socket (`GET /api/rooms/:roomId/ws`): the server's timeline, members and chat as
// signals, and the client's controls, status and chat going the other way. Reconnects by
// itself and resumes from the last `seq` (the server answers with a fresh snapshot).

type ServerMessage =
  | {
      type: 'snapshot';
      room: Room;
      playback: Playback;
      /** null when the chat store is unavailable (playback still works). */
      chat: ChatMessage[] | null;
      serverTime: string;
    }
  | { type: 'playback'; playback: Playback; by?: string }
  | { type: 'members'; members: RoomMember[] }
  | { type: 'chat'; message: ChatMessage }
  | ({ type: 'pong'; id: string } & PongTimes)
  | { type: 'closed'; reason?: string }
  | { type: 'error'; code: string; message: string };

export type ControlAction = 'play' | 'pause' | 'seek' | 'rate';

const RECONNECT_MAX_MS = 10_000;

const byTime = (a: ChatMessage, b: ChatMessage) => a.sentAt.localeCompare(b.sentAt);

/** Merges messages by id, oldest first. */
export function mergeChat(shown: ChatMessage[], more: ChatMessage[]): ChatMessage[] {
  const byId = new Map(shown.map((m) => [m.id, m]));
  for (const message of more) byId.set(message.id, message);
  return [...byId.values()].sort(byTime);
}

/** One open room socket; `close()` ends it for good. */
export class RoomConnection {
  readonly room = signal<Room | undefined>(undefined);
  readonly playback = signal<Playback | undefined>(undefined);
  readonly members = signal<RoomMember[]>([]);
  readonly chat = signal<ChatMessage[]>([]);
  /** False when the server said the chat store is unavailable (playback still works). */
  readonly chatAvailable = signal(true);
  readonly connected = signal(false);
  readonly closed = signal(false);
  readonly lastError = signal<{ code: string; message: string } | undefined>(undefined);
  readonly clock = new ClockSync();

  private socket: WebSocket | undefined;
  private stopped = false;
  private retryMs = 500;
  private pings = 0;
  private pingTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private requests = 0;

  /** `initial` (from GET /api/rooms/:id) shows the room until the socket's snapshot arrives. */
  constructor(
    private readonly roomId: string,
    private readonly token: string,
    initial?: Room,
  ) {
    if (initial) {
      this.room.value = initial;
      this.members.value = initial.members;
      this.playback.value = initial.playback;
      this.closed.value = initial.status === 'closed';
    }
    this.connect();
  }

  close(): void {
    this.stopped = true;
    clearTimeout(this.pingTimer);
    clearTimeout(this.retryTimer);
    this.socket?.close();
  }

  control(action: ControlAction, values: { position?: number; rate?: number } = {}): void {
    this.send({ type: 'control', action, ...values, requestId: this.requestId() });
  }

  status(state: 'ready' | 'buffering', position: number): void {
    this.send({ type: 'status', state, position });
  }

  say(text: string): void {
    this.send({ type: 'chat', text, requestId: this.requestId() });
  }

  /** Older messages come from GET …/messages; they join the same list. */
  addHistory(messages: ChatMessage[]): void {
    this.chat.value = mergeChat(this.chat.value, messages);
  }

  private requestId(): string {
    this.requests += 1;
    return crypto.randomUUID?.() ?? `${Date.now()}-${this.requests}`;
  }

  private send(message: object): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private connect(): void {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(
      `${scheme}://${location.host}/api/rooms/${this.roomId}/ws?token=${encodeURIComponent(this.token)}`,
    );
    this.socket = socket;
    socket.addEventListener('open', () => {
      this.connected.value = true;
      this.retryMs = 500;
      const seq = this.playback.value?.seq;
      if (seq !== undefined) this.send({ type: 'resume', seq });
      // A new connection may take another path: its round trips start afresh.
      this.clock.reset();
      this.ping();
    });
    socket.addEventListener('message', (event) => {
      try {
        this.receive(JSON.parse(String(event.data)) as ServerMessage);
      } catch {
        // A message this client cannot read is skipped; the next snapshot restores the state.
      }
    });
    socket.addEventListener('close', () => {
      this.connected.value = false;
      clearTimeout(this.pingTimer);
      if (this.stopped || this.closed.value) return;
      this.retryTimer = setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, RECONNECT_MAX_MS);
    });
  }

  private refresh(): void {
    api<Room>(`/api/rooms/${this.roomId}`).then(
      (room) => {
        const shown = this.room.value;
        if (shown)
          this.room.value = { ...room, members: this.members.value, playback: shown.playback };
      },
      () => undefined,
    );
  }

  private ping(): void {
    this.send({ type: 'ping', id: String(++this.pings), clientSent: Date.now() });
    this.pingTimer = setTimeout(() => this.ping(), this.clock.nextPingDelayMs());
  }

  private receive(message: ServerMessage): void {
    switch (message.type) {
      case 'snapshot':
        this.room.value = message.room;
        this.members.value = message.room.members;
        this.playback.value = message.playback;
        this.chatAvailable.value = message.chat !== null;
        this.chat.value = mergeChat(this.chat.value, message.chat ?? []);
        if (message.room.status === 'closed') this.closed.value = true;
        return;
      case 'playback':
        // Out-of-order or repeated changes never move the timeline back.
        if (message.playback.seq >= (this.playback.value?.seq ?? -1)) {
          this.playback.value = message.playback;
        }
        return;
      case 'members':
        this.members.value = message.members;
        // `members` also follows a lock change or an invitation, which it does not carry:
        // re-read the room for those.
        this.refresh();
        return;
      case 'chat':
        this.chatAvailable.value = true;
        this.chat.value = mergeChat(this.chat.value, [message.message]);
        return;
      case 'pong':
        this.clock.add(message, Date.now());
        return;
      case 'closed':
        this.closed.value = true;
        return;
      case 'error':
        this.lastError.value = { code: message.code, message: message.message };
        if (message.code === 'not_room_host') this.refresh();
        return;
      default: {
        const _: never = message;
      }
    }
  }
}
