import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffAgainstReplay } from '../../src/cli/replay-diff.js';
import { postChatMessage } from '../../src/commands/room-commands.js';
import {
  problemOf,
  registerUser,
  startTestApp,
  type TestApp,
  type TestUser,
} from '../support/app.js';

let t: TestApp;
let host: TestUser;
let ann: TestUser;
let friend: TestUser;
let stranger: TestUser;
let filmId: string;
let noMediaFilmId: string;
let position = '';

interface RoomBody {
  id: string;
  hostId: string;
  status: string;
  locked: boolean;
  invited: string[];
  members: { userId: string; role: string; displayName: string; online: boolean }[];
  playback: { status: string; position: number; at: string; rate: number; seq: number };
  film: { id: string; title: string; durationMinutes: number };
  closedAt: string | null;
}

beforeAll(async () => {
  t = await startTestApp();
  host = await registerUser(t.app, 'Host');
  ann = await registerUser(t.app, 'Ann');
  friend = await registerUser(t.app, 'Friend');
  stranger = await registerUser(t.app, 'Stranger');
  const films = (await t.app.inject({ method: 'GET', url: '/api/films?sort=title&limit=2' })).json<{
    items: { id: string }[];
  }>().items;
  filmId = films[0]?.id ?? '';
  noMediaFilmId = films[1]?.id ?? '';
  await t.runtime.db
    .updateTable('films')
    .set({ media_qualities: [] })
    .where('id', '=', noMediaFilmId)
    .execute();
  // Friends follow each other; the stranger only follows the host.
  await send('PUT', `/api/users/${friend.id}/follow`, host);
  await send('PUT', `/api/users/${host.id}/follow`, friend);
  await send('PUT', `/api/users/${host.id}/follow`, stranger);
});
afterAll(async () => t?.close());

const UNKNOWN = '0190a5c4-0000-7000-8000-000000000000';

async function send(method: 'POST' | 'PUT', url: string, user?: TestUser, payload?: object) {
  t.clock.advance(1000);
  const response = await t.app.inject({
    method,
    url,
    headers: { ...user?.auth },
    ...(payload ? { payload } : {}),
  });
  const at = response.headers['x-position'];
  if (typeof at === 'string') position = at;
  return response;
}

function get(url: string, user?: TestUser) {
  const headers = { ...user?.auth, ...(position ? { 'x-min-position': position } : {}) };
  return t.app.inject({ method: 'GET', url, headers });
}

function expectProblem(response: LightMyRequestResponse, status: number, code: string) {
  expect(response.statusCode, response.body).toBe(status);
  expect(problemOf(response).code).toBe(code);
}

async function openRoom(payload: object = { filmId }): Promise<RoomBody> {
  const response = await send('POST', '/api/rooms', host, payload);
  expect(response.statusCode, response.body).toBe(201);
  return response.json<RoomBody>();
}

describe('rooms', () => {
  it('opens a paused room hosted by the caller, inviting and notifying', async () => {
    const room = await openRoom({ filmId, invite: [ann.id] });
    expect(room).toMatchObject({
      hostId: host.id,
      status: 'open',
      locked: false,
      invited: [ann.id],
      members: [{ userId: host.id, role: 'host', displayName: 'Host', online: false }],
      playback: { status: 'paused', position: 0, rate: 1, seq: 0 },
      film: { id: filmId },
      closedAt: null,
    });
    expect(room.playback.at).toMatch(/\.\d{3}Z$/);
    const read = await get(`/api/rooms/${room.id}`, ann);
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json()).toEqual(room);
    const inbox = (await get('/api/notifications', ann)).json<{
      items: { type: string; data: { roomId: string; hostName: string } }[];
    }>();
    const invited = inbox.items.filter((n) => n.type === 'room.invited');
    expect(invited.map((n) => n.data)).toEqual([
      expect.objectContaining({ roomId: room.id, hostName: 'Host' }),
    ]);
  });

  it('refuses unknown films (404), films without media (422), bad bodies (400) and anonymous callers (401)', async () => {
    expectProblem(
      await send('POST', '/api/rooms', host, { filmId: UNKNOWN }),
      404,
      'film_not_found',
    );
    expectProblem(
      await send('POST', '/api/rooms', host, { filmId: noMediaFilmId }),
      422,
      'media_unavailable',
    );
    expectProblem(
      await send('POST', '/api/rooms', host, { filmId: 'nope' }),
      400,
      'validation_failed',
    );
    expectProblem(
      await send('POST', '/api/rooms', host, { filmId, invite: [UNKNOWN] }),
      404,
      'user_not_found',
    );
    expectProblem(await send('POST', '/api/rooms', undefined, { filmId }), 401, 'unauthorized');
    expectProblem(await get('/api/rooms'), 401, 'unauthorized');
  });

  it('lists open rooms the caller may join: own, invited, hosted by a friend', async () => {
    const room = await openRoom({ filmId, invite: [ann.id] });
    const listed = async (user: TestUser) => {
      const response = await get('/api/rooms?limit=100', user);
      expect(response.statusCode, response.body).toBe(200);
      return response.json<{ items: RoomBody[] }>().items.map((r) => r.id);
    };
    expect(await listed(host)).toContain(room.id);
    expect(await listed(ann)).toContain(room.id);
    expect(await listed(friend)).toContain(room.id);
    expect(await listed(stranger)).not.toContain(room.id);
    // Newest first, paged by cursor.
    const first = (await get('/api/rooms?limit=1', host)).json<{
      items: RoomBody[];
      nextCursor: string;
    }>();
    expect(first.items.map((r) => r.id)).toEqual([room.id]);
    const second = (await get(`/api/rooms?limit=1&cursor=${first.nextCursor}`, host)).json<{
      items: RoomBody[];
    }>();
    expect(second.items).toHaveLength(1);
    expect(second.items[0]?.id).not.toBe(room.id);
  });

  it('hides a room from who may not join it (404 room_not_found), as an unknown room', async () => {
    const room = await openRoom();
    expectProblem(await get(`/api/rooms/${room.id}`, stranger), 404, 'room_not_found');
    expectProblem(await get(`/api/rooms/${UNKNOWN}`, host), 404, 'room_not_found');
    expectProblem(
      await send('POST', `/api/rooms/${room.id}/join`, stranger),
      404,
      'room_not_found',
    );
    expectProblem(await get(`/api/rooms/${room.id}/messages`, stranger), 404, 'room_not_found');
    expectProblem(await send('POST', `/api/rooms/${UNKNOWN}/join`, host), 404, 'room_not_found');
    expectProblem(await get(`/api/rooms/${room.id}`), 401, 'unauthorized');
  });

  it('lets invitees and friends join and leave', async () => {
    const room = await openRoom({ filmId, invite: [ann.id] });
    const joined = await send('POST', `/api/rooms/${room.id}/join`, ann);
    expect(joined.statusCode, joined.body).toBe(200);
    const viaFriend = await send('POST', `/api/rooms/${room.id}/join`, friend);
    expect(viaFriend.json<RoomBody>().members.map((m) => [m.userId, m.role])).toEqual([
      [host.id, 'host'],
      [ann.id, 'member'],
      [friend.id, 'member'],
    ]);
    const left = await send('POST', `/api/rooms/${room.id}/leave`, ann);
    expect(left.json<RoomBody>().members.map((m) => m.userId)).toEqual([host.id, friend.id]);
    const read = (await get(`/api/rooms/${room.id}`, friend)).json<RoomBody>();
    expect(read.members.map((m) => m.userId)).toEqual([host.id, friend.id]);
  });

  it('lets only the host invite, lock and close (403 not_room_host); a closed room refuses (409 room_closed)', async () => {
    const room = await openRoom({ filmId, invite: [ann.id] });
    expectProblem(
      await send('POST', `/api/rooms/${room.id}/invite`, ann, { userIds: [friend.id] }),
      403,
      'not_room_host',
    );
    expectProblem(await send('POST', `/api/rooms/${room.id}/lock`, ann), 403, 'not_room_host');
    expectProblem(await send('POST', `/api/rooms/${room.id}/close`, ann), 403, 'not_room_host');
    const invited = await send('POST', `/api/rooms/${room.id}/invite`, host, {
      userIds: [stranger.id],
    });
    expect(invited.json<RoomBody>().invited).toEqual([ann.id, stranger.id]);
    expect((await send('POST', `/api/rooms/${room.id}/lock`, host)).json<RoomBody>().locked).toBe(
      true,
    );
    const closed = await send('POST', `/api/rooms/${room.id}/close`, host);
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json<RoomBody>()).toMatchObject({
      status: 'closed',
      closedAt: expect.any(String),
    });
    expect((await send('POST', `/api/rooms/${room.id}/close`, host)).statusCode).toBe(200);
    expectProblem(await send('POST', `/api/rooms/${room.id}/join`, ann), 409, 'room_closed');
    expectProblem(await send('POST', `/api/rooms/${room.id}/leave`, host), 409, 'room_closed');
    expectProblem(
      await send('POST', `/api/rooms/${room.id}/invite`, host, { userIds: [friend.id] }),
      409,
      'room_closed',
    );
    expect((await get(`/api/rooms/${room.id}`, ann)).json<RoomBody>().status).toBe('closed');
    expect(
      (await get('/api/rooms?limit=100', host))
        .json<{ items: RoomBody[] }>()
        .items.map((r) => r.id),
    ).not.toContain(room.id);
  });

  it('pages the chat newest first, also after close', async () => {
    const room = await openRoom();
    for (const text of ['one', 'two', 'three']) {
      t.clock.advance(2000);
      const result = await postChatMessage(
        t.runtime.commands,
        { roomId: room.id, userId: host.id, text, mediaPosition: 1.5 },
        { correlationId: 'test', userId: host.id },
      );
      position = result.position ?? position;
    }
    await send('POST', `/api/rooms/${room.id}/close`, host);
    const first = (await get(`/api/rooms/${room.id}/messages?limit=2`, host)).json<{
      items: { id: string; text: string; displayName: string; mediaPosition: number }[];
      nextCursor: string;
    }>();
    expect(first.items.map((m) => m.text)).toEqual(['three', 'two']);
    expect(first.items[0]).toMatchObject({ displayName: 'Host', mediaPosition: 1.5 });
    const second = (
      await get(`/api/rooms/${room.id}/messages?limit=2&before=${first.nextCursor}`, host)
    ).json<{
      items: { text: string }[];
      nextCursor: string | null;
    }>();
    expect(second).toEqual({ items: [expect.objectContaining({ text: 'one' })], nextCursor: null });
  });
});

describe('the rooms read models', () => {
  it('are what a replay of the log gives', async () => {
    const room = await openRoom({ filmId, invite: [ann.id] });
    await send('POST', `/api/rooms/${room.id}/join`, ann);
    await send('POST', `/api/rooms/${room.id}/lock`, host);
    await get(`/api/rooms/${room.id}`, host);
    const { differences, applied } = await diffAgainstReplay(t.runtime.store, t.runtime.db, {
      catchUpUnderLock: true,
    });
    expect(applied).toBeGreaterThan(0);
    expect(differences).toEqual([]);
    const rows = await t.runtime.db
      .selectFrom('room_members')
      .select('user_id')
      .where('room_id', '=', room.id)
      .execute();
    expect(rows).toHaveLength(2);
  });
});
