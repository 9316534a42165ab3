import type { WebSocket } from 'ws';
import type { PresenceEntry } from './room-presence.js';

const OPEN = 1;
// A member this far behind is not reading: drop it rather than hold its backlog in memory.
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/**
 * A message serialised and UTF-8 encoded once for all the sockets of a room (a string would be
 * encoded again for every socket); `seq` for playback changes.
 */
export interface Outgoing {
  readonly data: Buffer;
  readonly seq?: number;
}

/** Serialises a message once, for every socket it goes to. */
export const outgoing = (message: object, seq?: number): Outgoing => {
  const data = Buffer.from(JSON.stringify(message));
  return seq === undefined ? { data } : { data, seq };
};

/**
 * One member's room socket on this node: what it last said (ready or buffering, its media
 * position), when it was last heard from, and its round trip measured by WebSocket pings.
 * Messages to it wait until its snapshot is sent, and a playback it already has is not resent.
 */
export class RoomConnection {
  lastHeard: number;
  state: PresenceEntry['state'] = 'unknown';
  bufferingSince: number | null = null;
  everReady = false;
  rttMs = 0;
  mediaPosition: number | undefined;
  /** The seq of the last playback sent; messages are held until the snapshot sets it. */
  seq: number | undefined;
  /** The round trip last announced to the other nodes. */
  announcedRttMs = 0;
  #held: Outgoing[] | undefined = [];
  #pingSentAt: number | undefined;
  #lastPingAt = 0;

  constructor(
    readonly userId: string,
    readonly socket: WebSocket,
    now: number,
  ) {
    this.lastHeard = now;
    socket.on('pong', () => {
      const heard = Date.now();
      this.lastHeard = heard;
      if (this.#pingSentAt !== undefined) this.rttMs = heard - this.#pingSentAt;
      this.#pingSentAt = undefined;
    });
  }

  /** The presence entry this connection stands for. */
  entry(online: boolean): PresenceEntry {
    const { userId, state, bufferingSince, everReady, rttMs } = this;
    this.announcedRttMs = rttMs;
    return { userId, online, state, bufferingSince, everReady, rttMs };
  }

  /** Sends a WebSocket ping to measure the round trip, at most every `everyMs`, one at a time. */
  ping(now: number, everyMs: number): void {
    if (this.#pingSentAt !== undefined || this.socket.readyState !== OPEN) return;
    if (now - this.#lastPingAt < everyMs) return;
    this.#pingSentAt = now;
    this.#lastPingAt = now;
    this.socket.ping();
  }

  /** Whether the round trip moved enough since announced to change the schedule lead. */
  rttChanged(): boolean {
    const delta = Math.abs(this.rttMs - this.announcedRttMs);
    return delta > Math.max(50, this.announcedRttMs / 2);
  }

  /** Sends the snapshot, then what arrived meanwhile. */
  sendSnapshot(snapshot: object, seq: number): void {
    this.seq = seq;
    this.write(snapshot);
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const message of held) this.send(message);
  }

  /** Sends a message after the snapshot; a playback change only if this socket lacks it. */
  send(message: Outgoing): void {
    if (this.#held) {
      this.#held.push(message);
      return;
    }
    if (message.seq !== undefined) {
      if (this.seq !== undefined && message.seq <= this.seq) return;
      this.seq = message.seq;
    }
    this.#write(message.data);
  }

  /** Writes at once (replies to this client: pong, error). */
  write(message: object): void {
    this.#write(JSON.stringify(message));
  }

  #write(data: string | Buffer): void {
    if (this.socket.readyState !== OPEN) return;
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.socket.terminate();
      return;
    }
    // A text frame either way: the client parses JSON text.
    this.socket.send(data, { binary: false });
  }
}
