import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, startTestApp, type TestApp, type TestUser } from '../support/app.js';
import { listen, refusedUpgrade, until } from '../support/notification-socket.js';
import { RoomSocket, type WirePlayback } from '../support/room-socket.js';

let t: TestApp;
let base: string;
let host: TestUser;
let ann: TestUser;
let bob: TestUser;
let stranger: TestUser;
let filmId: string;
const sockets: RoomSocket[] = [];

beforeAll(async () => {
  t = await startTestApp({
    ROOM_SILENT_MS: '800',
    ROOM_BUFFER_WAIT_MS: '400',
    ROOM_FIRST_LOAD_WAIT_MS: '5000',
    ROOM_SWEEP_MS: '50',
  });
  base = await listen(t.app);
  host = await registerUser(t.app, 'Host');
  ann = await registerUser(t.app, 'Ann');
  bob = await registerUser(t.app, 'Bob');
  stranger = await registerUser(t.app, 'Stranger');
  const films = await t.app.inject({ method: 'GET', url: '/api/films?limit=1' });
  filmId = films.json<{ items: { id: string }[] }>().items[0]?.id ?? '';
});
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await t?.close();
});

/**
 * `member` (on socket `theirs`) reports ready, then buffering, each seen by `watcher`: waiting
 * for "ready" first keeps the "not ready" every member has before their first status from being
 * taken for the buffering one (the play would then find everyone ready).
 */
async function readyThenBuffering(watcher: RoomSocket, theirs: RoomSocket, member: TestUser) {
  const seen = (ready: boolean) =>
    watcher.next('members', 5000, (m) =>
      (m.members as { userId: string; ready: boolean; online: boolean }[]).some(
        (x) => x.userId === member.id && x.online && x.ready === ready,
      ),
    );
  theirs.send({ type: 'status', state: 'ready', position: 0 });
  await seen(true);
  theirs.send({ type: 'status', state: 'buffering', position: 0 });
  await seen(false);
}

async function openRoom(invite: TestUser[] = [ann, bob], locked = false): Promise<string> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/rooms',
    headers: host.auth,
    payload: { filmId, invite: invite.map((u) => u.id), locked },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ id: string }>().id;
}

async function connect(roomId: string, user: TestUser, options: { autoPong?: boolean } = {}) {
  const socket = await RoomSocket.open(base, roomId, user.token, options);
  sockets.push(socket);
  await socket.next('snapshot');
  return socket;
}

const control = (socket: RoomSocket, action: string, extra: object = {}) =>
  socket.send({ type: 'control', action, requestId: `${action}-${Math.random()}`, ...extra });

describe('room socket', () => {
  it('refuses before the upgrade: 401 without a token, 404 for a room the caller may not join', async () => {
    const roomId = await openRoom();
    expect((await refusedUpgrade(`${base}/api/rooms/${roomId}/ws`)).status).toBe(401);
    const hidden = await refusedUpgrade(`${base}/api/rooms/${roomId}/ws?token=${stranger.token}`);
    expect(hidden.status).toBe(404);
    expect(JSON.parse(hidden.body).code).toBe('room_not_found');
    const unknown = await refusedUpgrade(
      `${base}/api/rooms/0190a5c4-0000-7000-8000-000000000000/ws?token=${host.token}`,
    );
    expect(unknown.status).toBe(404);
  });

  it('sends a snapshot on connect, joins the invitee, answers pings NTP-style', async () => {
    const roomId = await openRoom();
    const socket = await RoomSocket.open(base, roomId, ann.token);
    sockets.push(socket);
    const snapshot = await socket.next('snapshot');
    expect(snapshot).toMatchObject({
      room: {
        id: roomId,
        members: expect.arrayContaining([
          expect.objectContaining({ userId: ann.id, role: 'member' }),
        ]),
      },
      playback: { status: 'paused', position: 0, seq: 0 },
      chat: [],
      serverTime: expect.stringMatching(/Z$/),
    });
    socket.send({ type: 'ping', id: 7, clientSent: 123 });
    const pong = await socket.next('pong');
    expect(pong).toMatchObject({
      id: 7,
      clientSent: 123,
      serverReceived: expect.any(Number),
      serverSent: expect.any(Number),
    });
    const members = await socket.next('members', 5000, (m) =>
      (m.members as { userId: string; online: boolean }[]).some(
        (x) => x.userId === ann.id && x.online,
      ),
    );
    expect(members).toBeDefined();
    socket.send('not json');
    expect((await socket.next('error')).code).toBe('validation_failed');
  });

  it('broadcasts every control to every member with its seq; a play is scheduled ahead', async () => {
    const roomId = await openRoom();
    const a = await connect(roomId, host);
    const b = await connect(roomId, ann);
    control(b, 'play');
    const seen = await Promise.all([a, b].map((s) => s.next('playback')));
    for (const message of seen) {
      expect(message.by).toBe(ann.id);
      const playback = message.playback as WirePlayback;
      expect(playback).toMatchObject({ status: 'playing', position: 0, rate: 1, seq: 1 });
      expect(Date.parse(playback.at) - t.clock.now().getTime()).toBeGreaterThanOrEqual(500);
    }
    control(a, 'seek', { position: 42 });
    control(a, 'rate', { rate: 1.5 });
    control(a, 'pause');
    await Promise.all(
      [a, b].map((s) => s.next('playback', 5000, (m) => (m.playback as WirePlayback).seq === 4)),
    );
    expect(b.playbacks().map((p) => p.seq)).toEqual([1, 2, 3, 4]);
    expect(a.playbacks()).toEqual(b.playbacks());
    expect(b.playbacks()[3]).toMatchObject({ status: 'paused', position: 42, rate: 1.5 });
    control(a, 'rate', { rate: 5 });
    expect((await a.next('error')).code).toBe('invalid_control');
  });

  it('refuses a member control in a locked room with not_room_host', async () => {
    const roomId = await openRoom([ann], true);
    const a = await connect(roomId, host);
    const b = await connect(roomId, ann);
    control(b, 'play');
    expect(await b.next('error')).toMatchObject({ code: 'not_room_host' });
    control(a, 'play');
    expect(((await b.next('playback')).playback as WirePlayback).status).toBe('playing');
  });

  it('waits for a buffering member, then plays once all are ready', async () => {
    const roomId = await openRoom();
    const a = await connect(roomId, host);
    const b = await connect(roomId, ann);
    await readyThenBuffering(a, b, ann);
    control(a, 'play');
    expect(((await a.next('playback')).playback as WirePlayback).status).toBe('waiting');
    b.send({ type: 'status', state: 'ready', position: 0 });
    const started = await a.next('playback');
    expect(started).toMatchObject({ by: null, playback: { status: 'playing', seq: 2 } });
  });

  it('stops waiting for a member buffering longer than the budget', async () => {
    const roomId = await openRoom();
    const a = await connect(roomId, host);
    const b = await connect(roomId, ann);
    await readyThenBuffering(a, b, ann);
    const started = Date.now();
    control(a, 'play');
    expect(((await a.next('playback')).playback as WirePlayback).status).toBe('waiting');
    expect(((await a.next('playback', 3000)).playback as WirePlayback).status).toBe('playing');
    // Budget 400 ms (ROOM_BUFFER_WAIT_MS), swept every 50 ms.
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('counts room sockets in cowatch_websockets_open', async () => {
    const open = async () => {
      const text = (await t.app.inject({ url: '/metrics' })).body;
      return Number(/^cowatch_websockets_open (\d+)$/m.exec(text)?.[1]);
    };
    const roomId = await openRoom();
    const before = await open();
    const socket = await connect(roomId, ann);
    expect(await open()).toBe(before + 1);
    await socket.close();
    const deadline = Date.now() + 5000;
    while ((await open()) !== before && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await open()).toBe(before);
  });

  it('shows a silently dropped socket offline and does not wait for it', async () => {
    const roomId = await openRoom();
    const a = await connect(roomId, host);
    const dead = await connect(roomId, bob, { autoPong: false });
    // It loads, never ready: first-load budget 5 s; but silence (0.8 s) takes it offline sooner.
    dead.send({ type: 'status', state: 'buffering', position: 0 });
    await a.next('members', 5000, (m) =>
      (m.members as { userId: string; online: boolean }[]).some(
        (x) => x.userId === bob.id && x.online,
      ),
    );
    const silentAt = Date.now();
    dead.ws.pause();
    const offline = await a.next('members', 5000, (m) =>
      (m.members as { userId: string; online: boolean }[]).some(
        (x) => x.userId === bob.id && !x.online,
      ),
    );
    expect(offline).toBeDefined();
    expect(Date.now() - silentAt).toBeLessThan(1500);
    control(a, 'play');
    expect(((await a.next('playback')).playback as WirePlayback).status).toBe('playing');
    // Paused, it never reads the server's close: a polite close would wait out ws's 30 s timeout.
    dead.ws.terminate();
  });

  it('relays chat with the media position, limits its rate, and keeps controls working when the chat store fails', async () => {
    const roomId = await openRoom();
    const a = await connect(roomId, host);
    const b = await connect(roomId, ann);
    b.send({ type: 'status', state: 'ready', position: 12.5 });
    b.send({ type: 'chat', text: 'hello', requestId: 'c1' });
    const chat = await a.next('chat');
    expect(chat.message).toMatchObject({
      userId: ann.id,
      displayName: 'Ann',
      text: 'hello',
      mediaPosition: 12.5,
    });
    for (let i = 0; i < 5; i++) b.send({ type: 'chat', text: `m${i}`, requestId: `r${i}` });
    expect(await b.next('error')).toMatchObject({ code: 'rate_limited' });
    b.send({ type: 'chat', text: '', requestId: 'empty' });
    expect(await b.next('error')).toMatchObject({ code: 'invalid_chat_message' });

    const chats = t.runtime.commands.roomChats;
    const original = chats.handle.bind(chats);
    chats.handle = () => Promise.reject(new Error('chat store down'));
    try {
      a.send({ type: 'chat', text: 'anyone?', requestId: 'down' });
      expect(await a.next('error')).toMatchObject({ code: 'chat_unavailable', requestId: 'down' });
      control(a, 'play');
      expect(((await b.next('playback')).playback as WirePlayback).status).toBe('playing');
    } finally {
      chats.handle = original;
    }
    // A new member gets the chat so far in the snapshot, oldest first.
    await until(() => true);
    const late = await RoomSocket.open(base, roomId, bob.token);
    sockets.push(late);
    const snapshot = await late.next('snapshot');
    expect((snapshot.chat as { text: string }[]).map((m) => m.text)[0]).toBe('hello');
  });

  it('answers resume with a snapshot, and tells members when the host closes the room', async () => {
    const roomId = await openRoom();
    const b = await connect(roomId, ann);
    b.send({ type: 'resume', seq: 0 });
    expect((await b.next('snapshot')).room).toMatchObject({ id: roomId });
    const closed = await t.app.inject({
      method: 'POST',
      url: `/api/rooms/${roomId}/close`,
      headers: host.auth,
    });
    expect(closed.statusCode).toBe(200);
    expect(await b.next('closed')).toMatchObject({ reason: 'host' });
    control(b, 'play');
    expect(await b.next('error')).toMatchObject({ code: 'room_closed' });
  });
});
