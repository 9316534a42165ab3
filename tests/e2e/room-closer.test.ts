import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, startTestApp, type TestApp, type TestUser } from '../support/app.js';
import { listen } from '../support/notification-socket.js';
import { RoomSocket } from '../support/room-socket.js';

let t: TestApp;
let host: TestUser;
let film: { id: string; durationMinutes: number };

beforeAll(async () => {
  t = await startTestApp({ ROOM_CLOSE_POLL_MS: '50', ROOM_SWEEP_MS: '50' });
  host = await registerUser(t.app, 'Host');
  const films = await t.app.inject({ method: 'GET', url: '/api/films?limit=1' });
  film = films.json<{ items: { id: string; durationMinutes: number }[] }>().items[0] ?? film;
});
afterAll(async () => t?.close());

async function openRoom(user = host): Promise<string> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/rooms',
    headers: user.auth,
    payload: { filmId: film.id },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ id: string }>().id;
}

/** The room's status and close reason, polled until closed (or the time is up). */
async function closedReason(roomId: string, timeoutMs = 10_000): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { events } = await t.runtime.store.read(`room-${roomId}`);
    const closed = events.find((e) => e.type === 'RoomClosed');
    if (closed) return (closed.data as { reason: string }).reason;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}

describe('rooms close by themselves', () => {
  it('when the film has played to its end', async () => {
    // Its own app, where rooms never count as empty: the clock jumps hours ahead here.
    const other = await startTestApp({
      ROOM_CLOSE_POLL_MS: '50',
      ROOM_EMPTY_CLOSE_MS: String(30 * 24 * 3600_000),
    });
    const main = t;
    t = other;
    try {
      await playToTheEnd();
    } finally {
      t = main;
      await other.close();
    }
  });

  it('when nobody has been online for 10 minutes, also across a restart', async () => {
    const roomId = await openRoom();
    t.clock.advance(9 * 60 * 1000);
    expect(await closedReason(roomId, 300)).toBeUndefined();
    await t.stop();
    t = await startTestApp({}, { restartOf: t });
    t.clock.advance(2 * 60 * 1000);
    expect(await closedReason(roomId)).toBe('empty');
  });
});

async function playToTheEnd() {
  const viewer = await registerUser(t.app, 'Viewer');
  const base = await listen(t.app);
  const roomId = await openRoom(viewer);
  const socket = await RoomSocket.open(base, roomId, viewer.token);
  await socket.next('snapshot');
  socket.send({ type: 'control', action: 'play', requestId: 'p' });
  await socket.next('playback');
  // Still playing at half time: not closed.
  t.clock.advance((film.durationMinutes * 60 * 1000) / 2);
  expect(await closedReason(roomId, 500)).toBeUndefined();
  t.clock.advance(film.durationMinutes * 60 * 1000);
  expect(await closedReason(roomId)).toBe('ended');
  await socket.close();
}
