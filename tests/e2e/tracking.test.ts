import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemOf, registerUser, startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
let filmId: string;

beforeAll(async () => {
  t = await startTestApp();
  const response = await t.app.inject({ method: 'GET', url: '/api/films?limit=1' });
  filmId = response.json<{ items: { id: string }[] }>().items[0]?.id ?? '';
});
afterAll(async () => t?.close());

const at = (offsetMs = 0) => new Date(t.clock.now().getTime() + offsetMs).toISOString();

/** One valid event of each type. */
function eventsOfEveryType() {
  const base = () => ({ messageId: randomUUID(), timestamp: at(), anonymousId: 'anon-1' });
  return [
    { ...base(), type: 'click', properties: { element: 'film', targetId: filmId, label: 'Film' } },
    {
      ...base(),
      page: { path: `/films/${filmId}`, referrer: 'https://example.org/list' },
      type: 'page_view',
      properties: { path: `/films/${filmId}`, title: 'A film' },
    },
    { ...base(), type: 'like', properties: { filmId, liked: true } },
    {
      ...base(),
      type: 'quality_change',
      properties: { filmId, from: '360p', to: '720p', position: 12.5 },
    },
    { ...base(), type: 'watched_to_end', properties: { filmId, watchedSeconds: 5400 } },
    {
      ...base(),
      type: 'search_filter',
      properties: { query: 'noir', filters: { genre: 'Drama', year: 1950 }, results: 3 },
    },
    { ...base(), type: 'custom', properties: { name: 'share', properties: { via: 'link' } } },
  ];
}

function batch(events: unknown[], headers: Record<string, string> = {}, sentAt = at()) {
  return t.app.inject({
    method: 'POST',
    url: '/api/track/batch',
    headers: { 'content-type': 'application/json', ...headers },
    payload: JSON.stringify({ sentAt, events }),
  });
}

async function stored(messageId: string) {
  const { rows } = await sql<{
    type: string;
    occurred_at: Date;
    user_id: string | null;
    film_id: string | null;
    referrer: string | null;
  }>`SELECT type, occurred_at, user_id, film_id, referrer FROM tracking_events
    WHERE message_id = ${messageId}`.execute(t.runtime.db);
  return rows;
}

function expectProblem(response: LightMyRequestResponse, status: number, code: string) {
  expect(response.statusCode, response.body).toBe(status);
  expect(problemOf(response).code).toBe(code);
  return response.json<{ errors?: { path: string; message: string }[] }>();
}

describe('POST /api/track/batch', () => {
  it('stores one event of each type and answers 202 once they are committed', async () => {
    const events = eventsOfEveryType();
    const response = await batch(events);
    expect(response.statusCode, response.body).toBe(202);
    expect(response.json()).toEqual({ accepted: events.length, duplicates: 0 });
    for (const event of events) {
      const rows = await stored(event.messageId);
      expect(rows.map((r) => r.type)).toEqual([event.type]);
      if (event.type !== 'search_filter' && event.type !== 'custom') {
        expect(rows[0]?.film_id).toBe(filmId);
      }
      const { page } = event as { page?: { referrer?: string } };
      expect(rows[0]?.referrer).toBe(page?.referrer ?? null);
    }
  });

  it('stores a message id once; a repeat counts as a duplicate', async () => {
    const [first, second] = eventsOfEveryType();
    expect((await batch([first])).json()).toEqual({ accepted: 1, duplicates: 0 });
    // Again, and twice within one batch.
    const again = await batch([first, second, second]);
    expect(again.json()).toEqual({ accepted: 1, duplicates: 2 });
    expect(await stored(first?.messageId ?? '')).toHaveLength(1);
    expect(await stored(second?.messageId ?? '')).toHaveLength(1);
  });

  it('corrects client clock skew: receivedAt − (sentAt − timestamp)', async () => {
    // The client's clock is an hour fast; the event waited 3 s in its buffer.
    const skew = 3_600_000;
    const messageId = randomUUID();
    const event = { ...eventsOfEveryType()[0], messageId, timestamp: at(skew - 3000) };
    const response = await batch([event], {}, at(skew));
    expect(response.statusCode).toBe(202);
    const [row] = await stored(messageId);
    expect(row?.occurred_at.toISOString()).toBe(at(-3000));
  });

  it('takes a text/plain body (navigator.sendBeacon) and attaches the signed-in user', async () => {
    const user = await registerUser(t.app, 'Tracked');
    const event = eventsOfEveryType()[1];
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/track/batch',
      headers: { 'content-type': 'text/plain;charset=UTF-8', ...user.auth },
      payload: JSON.stringify({ sentAt: at(), events: [event] }),
    });
    expect(response.statusCode, response.body).toBe(202);
    expect((await stored(event?.messageId ?? ''))[0]?.user_id).toBe(user.id);
  });

  it('refuses an unknown type and a missing field, naming each index, storing nothing', async () => {
    const [good, missing] = eventsOfEveryType();
    const unknown = { ...good, messageId: randomUUID(), type: 'teleport' };
    const noFilm = {
      ...missing,
      messageId: randomUUID(),
      type: 'like',
      properties: { liked: true },
    };
    const body = expectProblem(await batch([good, unknown, noFilm]), 400, 'validation_failed');
    const paths = body.errors?.map((e) => e.path) ?? [];
    expect(paths).toContain('events[1].type');
    expect(paths).toContain('events[2].properties.filmId');
    expect(paths.some((p) => p.startsWith('events[0]'))).toBe(false);
    expect(await stored(good?.messageId ?? '')).toHaveLength(0);
  });

  it('refuses an event over 32 KB (413 naming it), a batch over 500 events or 500 KB', async () => {
    const events = eventsOfEveryType();
    const big = {
      ...events[6],
      properties: { name: 'big', properties: { blob: 'x'.repeat(33_000) } },
    };
    const body = expectProblem(await batch([events[0], big]), 413, 'payload_too_large');
    expect(body.errors?.map((e) => e.path)).toEqual(['events[1]']);

    const many = Array.from({ length: 501 }, () => ({ ...events[0], messageId: randomUUID() }));
    expectProblem(await batch(many), 413, 'payload_too_large');

    const heavy = Array.from({ length: 20 }, () => ({
      ...big,
      messageId: randomUUID(),
      properties: { name: 'heavy', properties: { blob: 'y'.repeat(30_000) } },
    }));
    expectProblem(await batch(heavy), 413, 'payload_too_large');
  });

  it('refuses a body that is not JSON', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/track/batch',
      headers: { 'content-type': 'text/plain' },
      payload: '{nope',
    });
    expectProblem(response, 400, 'invalid_body');
  });
});

describe('POST /api/track', () => {
  it('stores one event sent with sentAt', async () => {
    const event = eventsOfEveryType()[2];
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/track',
      payload: { ...event, sentAt: at() },
    });
    expect(response.statusCode, response.body).toBe(202);
    expect(response.json()).toEqual({ accepted: 1, duplicates: 0 });
    expect(await stored(event?.messageId ?? '')).toHaveLength(1);
  });

  it('refuses a bad event with the field path', async () => {
    const event = { ...eventsOfEveryType()[0], properties: { element: 'spaceship' } };
    const body = expectProblem(
      await t.app.inject({ method: 'POST', url: '/api/track', payload: event }),
      400,
      'validation_failed',
    );
    expect(body.errors?.map((e) => e.path)).toEqual(['properties.element']);
  });
});

describe('a full buffer', () => {
  it('answers 503 + Retry-After instead of queueing without bound, and loses nothing', async () => {
    // Room for 5 events; a group waits 300 ms for company, so the first batch is still buffered.
    const small = await startTestApp({
      TRACKING_BUFFER_EVENTS: '5',
      TRACKING_FLUSH_MS: '300',
      TRACKING_RETRY_AFTER_S: '2',
    });
    try {
      const send = (n: number) =>
        small.app.inject({
          method: 'POST',
          url: '/api/track/batch',
          payload: {
            sentAt: new Date().toISOString(),
            events: Array.from({ length: n }, () => ({
              messageId: randomUUID(),
              type: 'page_view',
              timestamp: new Date().toISOString(),
              properties: { path: '/' },
            })),
          },
        });
      const first = send(3);
      // Let the first request reach the buffer before the second arrives.
      while (small.app.tracking.buffered < 3) await new Promise((r) => setTimeout(r, 5));
      const refused = await send(3);
      expect(refused.statusCode, refused.body).toBe(503);
      expect(problemOf(refused).code).toBe('tracking_unavailable');
      expect(refused.headers['retry-after']).toBe('2');
      expect((await first).statusCode).toBe(202);
      expect((await send(3)).statusCode).toBe(202);
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM tracking_events
        WHERE type = 'page_view'`.execute(small.runtime.db);
      expect(rows[0]?.n).toBe(6);
      const metrics = await small.app.inject({ url: '/metrics' });
      expect(metrics.body).toContain('cowatch_tracking_events_total{outcome="refused"} 3');
      expect(metrics.body).toContain('cowatch_tracking_events_total{outcome="stored"} 6');
    } finally {
      await small.close();
    }
  });
});
