import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  problemOf,
  registerUser,
  startTestApp,
  type TestApp,
  type TestUser,
} from '../support/app.js';

let t: TestApp;
let ada: TestUser;
let bob: TestUser;
let cyd: TestUser;
let dee: TestUser;
let films: { id: string; title: string }[];
let position = '';

beforeAll(async () => {
  t = await startTestApp();
  // Display names unique to this run, so that prefix searches see only these users.
  const tag = `S${Date.now().toString(36)}`;
  ada = await registerUser(t.app, `${tag} Ada`);
  bob = await registerUser(t.app, `${tag} Bob`);
  cyd = await registerUser(t.app, `${tag} Cyd`);
  dee = await registerUser(t.app, `${tag} Dee`);
  const response = await t.app.inject({ method: 'GET', url: '/api/films?sort=title&limit=5' });
  films = response.json<{ items: { id: string; title: string }[] }>().items;
});
afterAll(async () => t?.close());

const UNKNOWN = '0190a5c4-0000-7000-8000-000000000000';

async function command(method: 'PUT' | 'DELETE', url: string, user?: TestUser) {
  // The test clock stands still unless moved: each command happens a second after the last.
  t.clock.advance(1000);
  const response = await t.app.inject({ method, url, headers: { ...user?.auth } });
  const at = response.headers['x-position'];
  if (typeof at === 'string') position = at;
  return response;
}

async function read<T>(url: string, user?: TestUser): Promise<T> {
  const response = await get(url, user);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<T>();
}

function get(url: string, user?: TestUser): Promise<LightMyRequestResponse> {
  const headers = { ...user?.auth, ...(position ? { 'x-min-position': position } : {}) };
  return t.app.inject({ method: 'GET', url, headers });
}

function expectProblem(response: LightMyRequestResponse, status: number, code: string) {
  expect(response.statusCode, response.body).toBe(status);
  expect(problemOf(response).code).toBe(code);
}

const ids = (page: { items: { id: string }[] }) => page.items.map((item) => item.id);

describe('follows', () => {
  it('follows idempotently, counts on the profile, and lists following and followers', async () => {
    expect((await command('PUT', `/api/users/${bob.id}/follow`, ada)).statusCode).toBe(204);
    expect((await command('PUT', `/api/users/${bob.id}/follow`, ada)).statusCode).toBe(204);
    expect((await command('PUT', `/api/users/${cyd.id}/follow`, ada)).statusCode).toBe(204);
    expect(await read(`/api/users/${bob.id}`, cyd)).toEqual({
      id: bob.id,
      displayName: expect.stringMatching(/ Bob$/),
      followers: 1,
      following: 0,
    });
    expect(await read(`/api/users/${ada.id}`, cyd)).toMatchObject({ followers: 0, following: 2 });
    const following = await read<{ items: { id: string; since: string }[] }>(
      '/api/me/following',
      ada,
    );
    expect(ids(following)).toEqual([cyd.id, bob.id]);
    expect(following.items[0]?.since).toEqual(expect.any(String));
    expect(ids(await read('/api/me/followers', bob))).toEqual([ada.id]);
  });

  it('makes friends of mutual follows only, and unfollows idempotently', async () => {
    await command('PUT', `/api/users/${ada.id}/follow`, bob);
    expect(ids(await read('/api/me/friends', ada))).toEqual([bob.id]);
    expect(ids(await read('/api/me/friends', bob))).toEqual([ada.id]);
    expect(ids(await read('/api/me/friends', cyd))).toEqual([]);

    expect((await command('DELETE', `/api/users/${cyd.id}/follow`, ada)).statusCode).toBe(204);
    expect((await command('DELETE', `/api/users/${cyd.id}/follow`, ada)).statusCode).toBe(204);
    expect(await read(`/api/users/${cyd.id}`, ada)).toMatchObject({ followers: 0 });
    expect(ids(await read('/api/me/following', ada))).toEqual([bob.id]);
  });

  it('pages follow lists with a cursor', async () => {
    for (const user of [ada, bob, cyd]) await command('PUT', `/api/users/${user.id}/follow`, dee);
    const first = await read<{ items: { id: string }[]; nextCursor: string }>(
      '/api/me/following?limit=2',
      dee,
    );
    expect(ids(first)).toEqual([cyd.id, bob.id]);
    const second = await read<{ items: { id: string }[]; nextCursor: string | null }>(
      `/api/me/following?limit=2&cursor=${first.nextCursor}`,
      dee,
    );
    expect(ids(second)).toEqual([ada.id]);
    expect(second.nextCursor).toBeNull();
  });

  it('notifies the followed user with user.followed', async () => {
    const inbox = await read<{ items: { type: string; data: Record<string, unknown> }[] }>(
      '/api/notifications',
      bob,
    );
    const followed = inbox.items.filter((n) => n.type === 'user.followed');
    expect(followed.map((n) => n.data.followerId)).toEqual([ada.id, dee.id]);
    expect(followed[0]?.data.displayName).toMatch(/ Ada$/);
  });

  it('refuses self-follow (422), unknown users (404), bad ids (400) and anonymous callers (401)', async () => {
    expectProblem(
      await command('PUT', `/api/users/${ada.id}/follow`, ada),
      422,
      'cannot_follow_self',
    );
    expectProblem(await command('PUT', `/api/users/${UNKNOWN}/follow`, ada), 404, 'user_not_found');
    expectProblem(
      await command('DELETE', `/api/users/${UNKNOWN}/follow`, ada),
      404,
      'user_not_found',
    );
    expectProblem(await get(`/api/users/${UNKNOWN}`, ada), 404, 'user_not_found');
    expectProblem(await command('PUT', '/api/users/nope/follow', ada), 400, 'validation_failed');
    expectProblem(await command('PUT', `/api/users/${bob.id}/follow`), 401, 'unauthorized');
    expectProblem(await command('DELETE', `/api/users/${bob.id}/follow`), 401, 'unauthorized');
    for (const url of ['/api/me/following', '/api/me/followers', '/api/me/friends']) {
      expectProblem(await get(url), 401, 'unauthorized');
    }
    expectProblem(await get(`/api/users/${bob.id}`), 401, 'unauthorized');
  });
});

describe('user search', () => {
  it('finds users by display-name prefix in any case, or by exact email, never showing emails', async () => {
    const prefix = (await read<{ displayName: string }>(`/api/users/${ada.id}`, bob)).displayName
      .split(' ')[0]
      ?.toLowerCase();
    const page = await read<{ items: Record<string, unknown>[] }>(`/api/users?q=${prefix}`, bob);
    expect(page.items.map((u) => u.id)).toEqual(
      expect.arrayContaining([ada.id, bob.id, cyd.id, dee.id]),
    );
    for (const user of page.items) expect(Object.keys(user).sort()).toEqual(['displayName', 'id']);
    const byEmail = await read<{ items: Record<string, unknown>[] }>(
      `/api/users?q=${encodeURIComponent(cyd.email.toUpperCase())}`,
      bob,
    );
    expect(byEmail.items).toEqual([{ id: cyd.id, displayName: expect.stringMatching(/ Cyd$/) }]);
    const partialEmail = cyd.email.slice(0, -3);
    expect((await read<{ items: unknown[] }>(`/api/users?q=${partialEmail}`, bob)).items).toEqual(
      [],
    );
    expect(JSON.stringify(await read(`/api/users/${cyd.id}`, bob))).not.toContain(cyd.email);
  });

  it('refuses a query shorter than 2 characters (400) and anonymous callers (401)', async () => {
    expectProblem(await get('/api/users?q=a', ada), 400, 'validation_failed');
    expectProblem(await get('/api/users', ada), 400, 'validation_failed');
    expectProblem(await get('/api/users?q=ab'), 401, 'unauthorized');
  });
});

describe('wishlist, likes, friends who want a film, matches', () => {
  it('adds and removes idempotently, lists newest first, and counts on the film', async () => {
    const [one, two] = films;
    expect((await command('PUT', `/api/me/wishlist/${one?.id}`, cyd)).statusCode).toBe(204);
    expect((await command('PUT', `/api/me/wishlist/${two?.id}`, cyd)).statusCode).toBe(204);
    expect((await command('PUT', `/api/me/wishlist/${two?.id}`, cyd)).statusCode).toBe(204);
    const wishlist = await read<{ items: { film: { id: string }; addedAt: string }[] }>(
      '/api/me/wishlist',
      cyd,
    );
    expect(wishlist.items.map((i) => i.film.id)).toEqual([two?.id, one?.id]);
    expect(await read(`/api/films/${two?.id}`)).toMatchObject({ wantCount: 1, likeCount: 0 });

    expect((await command('PUT', `/api/me/likes/${two?.id}`, cyd)).statusCode).toBe(204);
    expect(await read(`/api/films/${two?.id}`)).toMatchObject({ wantCount: 1, likeCount: 1 });
    expect((await read<{ items: unknown[] }>('/api/me/likes', cyd)).items).toHaveLength(1);
    expect((await command('DELETE', `/api/me/likes/${two?.id}`, cyd)).statusCode).toBe(204);
    expect((await command('DELETE', `/api/me/wishlist/${two?.id}`, cyd)).statusCode).toBe(204);
    expect((await command('DELETE', `/api/me/wishlist/${two?.id}`, cyd)).statusCode).toBe(204);
    expect(await read(`/api/films/${two?.id}`)).toMatchObject({ wantCount: 0, likeCount: 0 });
    expect((await read<{ items: unknown[] }>('/api/me/wishlist', cyd)).items).toHaveLength(1);
  });

  it('shows the friends who want a film and the matches, most friends first', async () => {
    // ada and bob are friends; make ada and dee friends too (dee already follows ada).
    await command('PUT', `/api/users/${dee.id}/follow`, ada);
    const [one, two, three] = films;
    for (const film of [one, two, three]) await command('PUT', `/api/me/wishlist/${film?.id}`, ada);
    for (const film of [one, two]) await command('PUT', `/api/me/wishlist/${film?.id}`, bob);
    await command('PUT', `/api/me/wishlist/${one?.id}`, dee);
    // cyd wants one too but is no friend of ada's.
    const friends = await read<{ items: { id: string }[] }>(`/api/films/${one?.id}/friends`, ada);
    expect(ids(friends).sort()).toEqual([bob.id, dee.id].sort());
    expect(ids(await read(`/api/films/${three?.id}/friends`, ada))).toEqual([]);

    const page = await read<{ items: { film: { id: string }; friends: { id: string }[] }[] }>(
      '/api/me/matches',
      ada,
    );
    expect(page.items.map((m) => m.film.id)).toEqual([one?.id, two?.id]);
    expect(page.items.map((m) => m.friends.length)).toEqual([2, 1]);
    expect(page.items[1]?.friends).toEqual([
      { id: bob.id, displayName: expect.stringMatching(/ Bob$/) },
    ]);
    const paged = await read<{ items: unknown[]; nextCursor: string }>(
      '/api/me/matches?limit=1',
      ada,
    );
    const rest = await read<{ items: { film: { id: string } }[]; nextCursor: string | null }>(
      `/api/me/matches?limit=1&cursor=${paged.nextCursor}`,
      ada,
    );
    expect(rest.items.map((m) => m.film.id)).toEqual([two?.id]);
  });

  it('shows no one an email: every social answer names users by id and display name only', async () => {
    const film = films[0]?.id;
    const emails = [ada, bob, cyd, dee].map((user) => user.email);
    for (const user of [ada, bob]) {
      for (const url of [
        `/api/users/${cyd.id}`,
        `/api/users?q=${encodeURIComponent(cyd.email)}`,
        '/api/me/following',
        '/api/me/followers',
        '/api/me/friends',
        '/api/me/wishlist',
        '/api/me/matches',
        `/api/films/${film}/friends`,
        '/api/notifications',
      ]) {
        const body = JSON.stringify(await read(url, user));
        for (const email of emails) expect(body, `${url} shows ${email}`).not.toContain(email);
      }
    }
    // The lists above were not empty: the check looked at users.
    expect(ids(await read(`/api/films/${film}/friends`, ada)).length).toBeGreaterThan(0);
    expect(ids(await read('/api/me/followers', bob)).length).toBeGreaterThan(0);
  });

  it('refuses unknown films (404), bad cursors (400) and anonymous callers (401)', async () => {
    expectProblem(await command('PUT', `/api/me/wishlist/${UNKNOWN}`, ada), 404, 'film_not_found');
    expectProblem(await command('PUT', `/api/me/likes/${UNKNOWN}`, ada), 404, 'film_not_found');
    expectProblem(await command('DELETE', `/api/me/likes/${UNKNOWN}`, ada), 404, 'film_not_found');
    expect((await command('DELETE', `/api/me/wishlist/${UNKNOWN}`, ada)).statusCode).toBe(204);
    expectProblem(await get(`/api/films/${UNKNOWN}/friends`, ada), 404, 'film_not_found');
    expectProblem(await get('/api/me/matches?cursor=garbage', ada), 400, 'invalid_cursor');
    const film = films[0]?.id;
    for (const [method, url] of [
      ['PUT', `/api/me/wishlist/${film}`],
      ['DELETE', `/api/me/wishlist/${film}`],
      ['PUT', `/api/me/likes/${film}`],
      ['DELETE', `/api/me/likes/${film}`],
    ] as const) {
      expectProblem(await command(method, url), 401, 'unauthorized');
    }
    for (const url of [
      '/api/me/wishlist',
      '/api/me/likes',
      '/api/me/matches',
      `/api/films/${film}/friends`,
    ]) {
      expectProblem(await get(url), 401, 'unauthorized');
    }
  });
});
