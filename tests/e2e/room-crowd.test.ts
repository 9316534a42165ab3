import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, startTestApp, type TestApp, type TestUser } from '../support/app.js';
import { manyUsers } from '../support/many-users.js';
import { listen } from '../support/notification-socket.js';
import { type RoomServerMessage, RoomSocket } from '../support/room-socket.js';

const MEMBERS = 200;
const CONTROLS = 20;

let t: TestApp;
let base: string;
let host: TestUser;
let filmId: string;
const sockets: RoomSocket[] = [];

beforeAll(async () => {
  t = await startTestApp();
  base = await listen(t.app);
  host = await registerUser(t.app, 'Host');
  const films = await t.app.inject({ method: 'GET', url: '/api/films?limit=1' });
  filmId = films.json<{ items: { id: string }[] }>().items[0]?.id ?? '';
});
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await t?.close();
});

describe('a crowded room', () => {
  it(`delivers every control, in order, to ${MEMBERS} members`, async () => {
    const crowd = await manyUsers(t, MEMBERS);
    const opened = await t.app.inject({
      method: 'POST',
      url: '/api/rooms',
      headers: host.auth,
      payload: { filmId },
    });
    const roomId = opened.json<{ id: string }>().id;
    for (let i = 0; i < MEMBERS; i += 100) {
      const userIds = crowd.slice(i, i + 100).map((u) => u.id);
      const invited = await t.app.inject({
        method: 'POST',
        url: `/api/rooms/${roomId}/invite`,
        headers: host.auth,
        payload: { userIds },
      });
      expect(invited.statusCode, invited.body).toBe(200);
    }
    const hostSocket = await RoomSocket.open(base, roomId, host.token);
    sockets.push(hostSocket);
    await hostSocket.next('snapshot');
    for (let i = 0; i < MEMBERS; i += 50) {
      const batch = await Promise.all(
        crowd.slice(i, i + 50).map((u) => RoomSocket.open(base, roomId, u.token)),
      );
      sockets.push(...batch);
    }
    await Promise.all(sockets.slice(1).map((s) => s.next('snapshot', 60_000)));

    hostSocket.send({ type: 'control', action: 'play', requestId: 'play' });
    for (let i = 1; i < CONTROLS; i++) {
      hostSocket.send({
        type: 'control',
        action: 'seek',
        position: i * 10,
        requestId: `seek-${i}`,
      });
    }
    const last = (m: RoomServerMessage) => (m.playback as { seq: number }).seq === CONTROLS;
    await Promise.all(sockets.map((s) => s.next('playback', 60_000, last)));
    const expected = Array.from({ length: CONTROLS }, (_, i) => i + 1);
    const reference = JSON.stringify(hostSocket.playbacks());
    for (const socket of sockets) {
      expect(socket.playbacks().map((p) => p.seq)).toEqual(expected);
      expect(JSON.stringify(socket.playbacks())).toBe(reference);
    }
    expect(hostSocket.playbacks().at(-1)).toMatchObject({
      status: 'playing',
      position: (CONTROLS - 1) * 10,
    });
  }, 180_000);
});
