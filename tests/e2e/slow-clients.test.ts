import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';

// Slow clients must not hold connections: the timeouts and the connection cap of issue 10.

interface Exchange {
  /** Everything the server sent. */
  readonly received: string;
  /** Milliseconds from connecting until the server closed the connection. */
  readonly closedAfterMs: number;
}

/** Connects, runs `talk`, and resolves once the server closes (or after `giveUpMs`). */
function exchange(
  port: number,
  talk: (socket: net.Socket) => void,
  giveUpMs = 10_000,
): Promise<Exchange> {
  return new Promise((resolve) => {
    const started = Date.now();
    let received = '';
    const socket = net.connect(port, '127.0.0.1', () => talk(socket));
    const timer = setTimeout(() => socket.destroy(), giveUpMs);
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ received, closedAfterMs: Date.now() - started });
    });
  });
}

/** Writes one byte of `text` every `everyMs` until the socket closes. */
function trickle(socket: net.Socket, text: string, everyMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= text.length) return clearInterval(timer);
    socket.write(text[i++]!);
  }, everyMs);
  socket.on('close', () => clearInterval(timer));
}

describe('timeouts', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await startTestApp({
      REQUEST_TIMEOUT_MS: '1000',
      HEADERS_TIMEOUT_MS: '500',
      KEEP_ALIVE_TIMEOUT_MS: '300',
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as net.AddressInfo).port;
  });
  afterAll(() => t?.close());

  it('cuts off a body trickled a byte at a time: 408 problem with a request id, then closed', async () => {
    const body = JSON.stringify({ email: 'slow@example.test', password: 'x'.repeat(60) });
    const { received, closedAfterMs } = await exchange(port, (socket) => {
      socket.write(
        'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
          `Content-Length: ${body.length}\r\n\r\n`,
      );
      // 100 bytes at 5 a second would take 20 s.
      trickle(socket, body, 200);
    });
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(received).toMatch(/content-type: application\/problem\+json/i);
    expect(received).toMatch(/x-request-id: \S+/i);
    expect(received).toContain('"code":"request_timeout"');
    expect(closedAfterMs).toBeLessThan(5_000);
  });

  it('cuts off headers trickled a byte at a time', async () => {
    const { received, closedAfterMs } = await exchange(port, (socket) => {
      socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\n');
      trickle(socket, `X-Slow: ${'a'.repeat(200)}\r\n\r\n`, 100);
    });
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(closedAfterMs).toBeLessThan(5_000);
  });

  it('closes an idle keep-alive connection after KEEP_ALIVE_TIMEOUT_MS', async () => {
    const { received, closedAfterMs } = await exchange(port, (socket) => {
      socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n');
    });
    expect(received).toMatch(/^HTTP\/1\.1 200 /);
    expect(closedAfterMs).toBeLessThan(5_000);
  });

  it('still answers a request sent in one go', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/health/live`);
    expect(response.status).toBe(200);
  });
});

describe('connection cap', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await startTestApp({ MAX_CONNECTIONS: '2' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as net.AddressInfo).port;
  });
  afterAll(() => t?.close());

  it('closes connections past MAX_CONNECTIONS at once and serves again once below it', async () => {
    const held = await Promise.all(
      [1, 2].map(
        () =>
          new Promise<net.Socket>((resolve) => {
            const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
            socket.on('error', () => undefined);
          }),
      ),
    );
    // Accepted connections are counted once the server has seen them.
    await expect.poll(() => connections(t), { timeout: 5_000 }).toBe(2);
    const refused = await exchange(port, (socket) => {
      socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n');
    });
    expect(refused.received).toBe('');
    expect(refused.closedAfterMs).toBeLessThan(5_000);
    for (const socket of held) socket.destroy();
    await expect.poll(() => connections(t), { timeout: 5_000 }).toBe(0);
    expect((await fetch(`http://127.0.0.1:${port}/health/live`)).status).toBe(200);
  });
});

function connections(t: TestApp): Promise<number> {
  return new Promise((resolve, reject) =>
    t.app.server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );
}
