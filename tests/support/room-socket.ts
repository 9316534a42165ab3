import WebSocket from 'ws';

/** Any message the room socket sends; tests look at the fields they need. */
export interface RoomServerMessage {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** A playback as the room socket sends it. */
export interface WirePlayback {
  status: string;
  position: number;
  at: string;
  rate: number;
  seq: number;
}

/** A real WebSocket client on /api/rooms/:roomId/ws that keeps everything the server sent. */
export class RoomSocket {
  readonly received: RoomServerMessage[] = [];
  readonly closed: Promise<number>;
  #read = 0;
  #wake: (() => void) | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      this.received.push(JSON.parse(String(raw)) as RoomServerMessage);
      this.#wake?.();
    });
    this.closed = new Promise((resolve) => ws.once('close', (code) => resolve(code)));
  }

  /** Opens a room socket as the token's user; `autoPong: false` plays a dead link. */
  static async open(
    base: string,
    roomId: string,
    token: string,
    options: { autoPong?: boolean } = {},
  ): Promise<RoomSocket> {
    const ws = new WebSocket(`${base}/api/rooms/${roomId}/ws?token=${token}`, {
      autoPong: options.autoPong ?? true,
    });
    const socket = new RoomSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return socket;
  }

  /** The next unread message of `type` (skipping others), failing after `timeoutMs`. */
  async next(
    type: string,
    timeoutMs = 10_000,
    where: (m: RoomServerMessage) => boolean = () => true,
  ): Promise<RoomServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.#read < this.received.length) {
        const message = this.received[this.#read++] as RoomServerMessage;
        if (message.type === type && where(message)) return message;
      }
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no ${type} within ${timeoutMs} ms; got ${JSON.stringify(this.received.slice(-5).map((m) => m.type))}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Every playback received so far. */
  playbacks(): WirePlayback[] {
    return this.received
      .filter((m) => m.type === 'playback')
      .map((m) => m.playback as WirePlayback);
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  async close(): Promise<void> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.close();
    await this.closed;
  }
}
