import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshRollups } from '../../src/projections/tracking/tracking-rollups.js';
import {
  problemOf,
  registerUser,
  startTestApp,
  type TestApp,
  type TestUser,
} from '../support/app.js';

let t: TestApp;
let admin: TestUser;
let viewer: TestUser;
let filmId: string;
let otherFilmId: string;
let filmCount: number;

function event(type: string, properties: Record<string, unknown>, anonymousId = 'anon-a') {
  return {
    messageId: randomUUID(),
    type,
    timestamp: t.clock.now().toISOString(),
    anonymousId,
    properties,
  };
}

async function track(events: unknown[], user?: TestUser) {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/track/batch',
    headers: { ...user?.auth },
    payload: { sentAt: t.clock.now().toISOString(), events },
  });
  expect(response.statusCode, response.body).toBe(202);
}

async function analytics<T>(url: string, user = admin): Promise<T> {
  const response = await t.app.inject({ method: 'GET', url, headers: user.auth });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<T>();
}

beforeAll(async () => {
  t = await startTestApp();
  admin = await registerUser(t.app, 'Admin');
  viewer = await registerUser(t.app, 'Viewer');
  await t.runtime.db
    .updateTable('users')
    .set({ role: 'admin' })
    .where('id', '=', admin.id)
    .execute();
  const films = await t.app.inject({ method: 'GET', url: '/api/films?sort=title&limit=2' });
  const page = films.json<{ items: { id: string }[] }>();
  [filmId, otherFilmId] = page.items.map((f) => f.id) as [string, string];
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM films`.execute(
    t.runtime.db,
  );
  filmCount = rows[0]?.n ?? 0;

  const path = `/films/${filmId}`;
  await track(
    [
      event('page_view', { path }),
      event('page_view', { path, durationMs: 3000 }),
      event('like', { filmId, liked: true }),
      event('quality_change', { filmId, from: '360p', to: '720p', position: 10 }),
      event('quality_change', { filmId, from: '360p', to: '720p', position: 20 }),
      event('watched_to_end', { filmId, watchedSeconds: 5400 }),
      event('search_filter', { filters: { genre: 'Drama', year: 1950 }, results: 4 }),
    ],
    viewer,
  );
  await track([
    event('page_view', { path }),
    event('page_view', { path }),
    event('page_view', { path, durationMs: 5000 }),
    event('like', { filmId, liked: false }),
    event('quality_change', { filmId, from: '720p', to: '360p', position: 30 }),
    event('page_view', { path: `/films/${otherFilmId}` }),
    event('search_filter', { query: 'x', filters: { genre: 'Drama' }, results: 1 }),
  ]);
  await refreshRollups(t.runtime.db, t.clock.now());
});
afterAll(async () => t?.close());

describe('who may read analytics', () => {
  it('401 without a token, 403 forbidden without the admin role', async () => {
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/analytics/top' });
    expect(anonymous.statusCode).toBe(401);
    for (const url of [
      `/api/analytics/films/${filmId}`,
      '/api/analytics/top',
      '/api/analytics/filters',
      '/api/analytics/catalogue?by=month',
    ]) {
      const response = await t.app.inject({ method: 'GET', url, headers: viewer.auth });
      expect(response.statusCode, url).toBe(403);
      expect(problemOf(response).code).toBe('forbidden');
    }
  });
});

describe('GET /api/analytics/films/:filmId', () => {
  it("counts a film's views, viewers, likes, full watches, time on page and quality changes", async () => {
    const figures = await analytics(`/api/analytics/films/${filmId}`);
    expect(figures).toEqual({
      pageViews: 3,
      uniqueViewers: 2,
      likes: 1,
      watchedToEnd: 1,
      watchedToEndRate: 0.333,
      avgTimeOnPageMs: 4000,
      qualityChanges: [
        { from: '360p', to: '720p', count: 2 },
        { from: '720p', to: '360p', count: 1 },
      ],
    });
  });

  it('limits to the window', async () => {
    const later = new Date(t.clock.now().getTime() + 60_000).toISOString();
    const figures = await analytics<{ pageViews: number }>(
      `/api/analytics/films/${filmId}?from=${encodeURIComponent(later)}`,
    );
    expect(figures.pageViews).toBe(0);
  });
});

describe('rollup-served analytics', () => {
  it('ranks films by views', async () => {
    const top = await analytics<{ items: { filmId: string; count: number; title: string }[] }>(
      '/api/analytics/top?metric=views',
    );
    expect(top.items.map((i) => [i.filmId, i.count])).toEqual([
      [filmId, 3],
      [otherFilmId, 1],
    ]);
    expect(top.items[0]?.title).toEqual(expect.any(String));
    const likes = await analytics<{ items: { filmId: string; count: number }[] }>(
      '/api/analytics/top?metric=likes',
    );
    expect(likes.items).toEqual([expect.objectContaining({ filmId, count: 1 })]);
  });

  it('lists the most used search filters', async () => {
    const filters = await analytics<{ items: unknown[] }>('/api/analytics/filters');
    expect(filters.items).toEqual([
      { filter: 'genre', value: 'Drama', count: 2 },
      { filter: 'year', value: '1950', count: 1 },
    ]);
  });

  it('counts films added to the catalogue per month', async () => {
    const catalogue = await analytics<{ items: { month: string; count: number }[] }>(
      '/api/analytics/catalogue?by=month',
    );
    const month = t.clock.now().toISOString().slice(0, 7);
    expect(catalogue.items).toEqual([{ month, count: filmCount }]);
  });
});
