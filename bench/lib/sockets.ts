import WebSocket from 'ws';

/** Opens the notification WebSocket of `token`; rejects on refusal or after `timeoutMs`. */
export function openSocket(baseUrl: string, token: string, timeoutMs = 10_000): Promise<WebSocket> {
  const url = `${baseUrl.replace(/^http/, 'ws')}/api/ws?token=${encodeURIComponent(token)}`;
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
    const fail = (error: Error) => {
      socket.removeAllListeners('open');
      socket.terminate();
      reject(error);
    };
    socket.once('open', () => {
      socket.removeAllListeners('error');
      socket.on('error', () => undefined);
      resolve(socket);
    });
    socket.once('error', fail);
    socket.once('unexpected-response', (_request, response) =>
      fail(new Error(`upgrade refused: ${response.statusCode}`)),
    );
  });
}

/** Closes sockets and waits (bounded) until each has closed. */
export async function closeAll(sockets: readonly WebSocket[], timeoutMs = 10_000): Promise<void> {
  await Promise.race([
    Promise.all(
      sockets.map(
        (socket) =>
          new Promise<void>((resolve) => {
            if (socket.readyState === WebSocket.CLOSED) return resolve();
            socket.once('close', () => resolve());
            socket.terminate();
          }),
      ),
    ),
    new Promise((resolve) => setTimeout(resolve, timeoutMs).unref()),
  ]);
}
