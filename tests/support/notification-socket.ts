import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';

/** A notification as the server sends it. */
export interface WsNotification {
  id: string;
  type: string;
  createdAt: string;
  data: Record<string, unknown>;
  cursor: string;
}

/** Any message the server sends on /api/ws. */
export type ServerMessage =
  | { type: 'notification'; notification: WsNotification }
  | { type: 'error'; code: string; message: string };

/** The ws:// base URL of an app listening on an ephemeral port. */
export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('not listening on TCP');
  return `ws://127.0.0.1:${address.port}`;
}

/** A real WebSocket client on /api/ws that queues what the server sends. */
export class TestSocket {
  readonly #queue: ServerMessage[] = [];
  readonly #waiters: ((message: ServerMessage) => void)[] = [];
  readonly closed: Promise<number>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const message = JSON.parse(String(raw)) as ServerMessage;
      const waiter = this.#waiters.shift();
      if (waiter) waiter(message);
      else this.#queue.push(message);
    });
    this.closed = new Promise((resolve) => ws.once('close', (code) => resolve(code)));
  }

  /** Opens a socket; `auth` is a token sent as `?token=` or a header set. */
  static async open(
    base: string,
    auth: { token: string } | { headers: Record<string, string> },
    options: { autoPong?: boolean } = {},
  ): Promise<TestSocket> {
    const url = 'token' in auth ? `${base}/api/ws?token=${auth.token}` : `${base}/api/ws`;
    const headers = 'headers' in auth ? auth.headers : {};
    const ws = new WebSocket(url, { headers, autoPong: options.autoPong ?? true });
    const socket = new TestSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return socket;
  }

  /** The next message, failing after `timeoutMs`. */
  next(timeoutMs = 10_000): Promise<ServerMessage> {
    const queued = this.#queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(new Error(`no message within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (message: ServerMessage) => {
        clearTimeout(timer);
        resolve(message);
      };
      this.#waiters.push(waiter);
    });
  }

  /** The next message, which must be a notification. */
  async notification(timeoutMs?: number): Promise<WsNotification> {
    const message = await this.next(timeoutMs);
    if (message.type !== 'notification') throw new Error(`expected a notification: ${message}`);
    return message.notification;
  }

  /** The next `count` notifications. */
  async notifications(count: number): Promise<WsNotification[]> {
    const received: WsNotification[] = [];
    while (received.length < count) received.push(await this.notification());
    return received;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  async close(): Promise<void> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.close();
    await this.closed;
  }
}

/** The HTTP answer to an upgrade the server refuses: status, content type and body. */
export function refusedUpgrade(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; contentType: string; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      reject(new Error('the upgrade was accepted'));
    });
    ws.once('unexpected-response', (_request, response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => {
        resolve({
          status: response.statusCode ?? 0,
          contentType: String(response.headers['content-type']),
          body,
        });
      });
    });
    ws.once('error', (error) => reject(error));
  });
}

/** Polls `condition` every 10 ms until it holds, failing after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
