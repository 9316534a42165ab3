import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, startTestApp, type TestApp, type TestUser } from '../support/app.js';
import { manyUsers } from '../support/many-users.js';
import { listen } from '../support/notification-socket.js';
import { databaseUrl } from '../support/postgres.js';
import { type RoomServerMessage, RoomSocket } from '../support/room-socket.js';

// Unset or empty: no Redis here (an empty URL is what `REDIS_URL=` in a shell gives).
const redisUrl = process.env.REDIS_URL || undefined;
const PER_NODE = 5;
const CONTROLS_PER_NODE = 10;

describe.skipIf(!databaseUrl || !redisUrl)(
  'a room across two API nodes sharing Redis (needs DATABASE_URL and REDIS_URL)',
  () => {
    let a: TestApp;
    let b: TestApp;
    let host: TestUser;
    let baseA: string;
    let baseB: string;
    const sockets: RoomSocket[] = [];

    beforeAll(async () => {
      a = await startTestApp({ REDIS_URL: redisUrl ?? '' });
      b = await startTestApp(
        { REDIS_URL: redisUrl ?? '', ROLE: 'serve' },
        { shareDatabaseWith: a },
      );
      host = await registerUser(a.app, 'Host');
      [baseA, baseB] = [await listen(a.app), await listen(b.app)];
    });
    afterAll(async () => {
      await Promise.all(sockets.map((s) => s.close()));
      await b?.close();
      await a?.close();
    });

    it('members on either node receive the same messages in the same order', async () => {
      const filmId = (await a.app.inject({ url: '/api/films?limit=1' })).json<{
        items: { id: string }[];
      }>().items[0]?.id;
      const crowd = await manyUsers(a, PER_NODE * 2);
      const opened = await a.app.inject({
        method: 'POST',
        url: '/api/rooms',
        headers: host.auth,
        payload: { filmId, invite: crowd.map((u) => u.id) },
      });
      expect(opened.statusCode, opened.body).toBe(201);
      const roomId = opened.json<{ id: string }>().id;
      const onA = await Promise.all(
        crowd.slice(0, PER_NODE).map((u) => RoomSocket.open(baseA, roomId, u.token)),
      );
      const onB = await Promise.all(
        crowd.slice(PER_NODE).map((u) => RoomSocket.open(baseB, roomId, u.token)),
      );
      sockets.push(...onA, ...onB);
      await Promise.all(sockets.map((s) => s.next('snapshot', 30_000)));
      const [senderA, senderB] = [onA[0], onB[0]] as [RoomSocket, RoomSocket];

      // Both nodes decide controls at once: the stream orders them, the bus carries them.
      for (let i = 0; i < CONTROLS_PER_NODE; i++) {
        senderA.send({ type: 'control', action: 'seek', position: i, requestId: `a${i}` });
        senderB.send({ type: 'control', action: 'seek', position: 100 + i, requestId: `b${i}` });
      }
      const total = CONTROLS_PER_NODE * 2;
      const last = (m: RoomServerMessage) => (m.playback as { seq: number }).seq === total;
      await Promise.all(sockets.map((s) => s.next('playback', 30_000, last)));
      const expected = Array.from({ length: total }, (_, i) => i + 1);
      const reference = JSON.stringify(senderA.playbacks());
      for (const socket of sockets) {
        expect(socket.playbacks().map((p) => p.seq)).toEqual(expected);
        expect(JSON.stringify(socket.playbacks())).toBe(reference);
      }

      // Chat and presence cross nodes too.
      senderB.send({ type: 'chat', text: 'from B', requestId: 'c' });
      expect((await senderA.next('chat', 10_000)).message).toMatchObject({ text: 'from B' });
      const someoneOnB = crowd[PER_NODE]?.id;
      const showsOnB = (m: RoomServerMessage) =>
        (m.members as { userId: string; online: boolean }[]).some(
          (x) => x.userId === someoneOnB && x.online,
        );
      // A list goes out only when it changes: it may have come while the playbacks were read.
      if (!senderA.received.some((m) => m.type === 'members' && showsOnB(m))) {
        await senderA.next('members', 10_000, showsOnB);
      }
    }, 120_000);

    it('REST on one node shows online and ready a member connected only to the other', async () => {
      const filmId = (await a.app.inject({ url: '/api/films?limit=1' })).json<{
        items: { id: string }[];
      }>().items[0]?.id;
      const [guest] = await manyUsers(a, 1);
      if (!guest) throw new Error('no guest');
      const openFor = (guestId: string) =>
        a.app.inject({
          method: 'POST',
          url: '/api/rooms',
          headers: host.auth,
          payload: { filmId, invite: [guestId] },
        });
      // Setup: the host's last write may still be projecting on a loaded machine (503).
      let opened = await openFor(guest.id);
      for (let tries = 1; opened.statusCode === 503 && tries < 20; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        opened = await openFor(guest.id);
      }
      expect(opened.statusCode, opened.body).toBe(201);
      const roomId = opened.json<{ id: string }>().id;
      // Node A holds no socket of this room: what it shows comes from node B.
      const guestOnA = async () => {
        const shown = await a.app.inject({ url: `/api/rooms/${roomId}`, headers: host.auth });
        expect(shown.statusCode, shown.body).toBe(200);
        const { members } = shown.json<{
          members: { userId: string; online: boolean; ready: boolean }[];
        }>();
        return members.find((m) => m.userId === guest.id);
      };
      const eventually = async (want: { online: boolean; ready: boolean }) => {
        const deadline = Date.now() + 10_000;
        let seen = await guestOnA();
        while (!(seen?.online === want.online && seen.ready === want.ready)) {
          if (Date.now() > deadline) expect(seen).toMatchObject(want);
          await new Promise((resolve) => setTimeout(resolve, 50));
          seen = await guestOnA();
        }
      };
      const socket = await RoomSocket.open(baseB, roomId, guest.token);
      sockets.push(socket);
      await socket.next('snapshot', 30_000);
      await eventually({ online: true, ready: false });
      socket.send({ type: 'status', state: 'ready', position: 0 });
      await eventually({ online: true, ready: true });
      await socket.close();
      await eventually({ online: false, ready: false });
    }, 60_000);
  },
);
