import { createHmac } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, startTestApp, type TestApp, type TestUser } from '../support/app.js';

// Reproductions of issue 10's defects: each answered 500 (or the wrong 4xx) before its fix.

let t: TestApp;
let app: FastifyInstance;
let filmId: string;
let host: TestUser;

beforeAll(async () => {
  t = await startTestApp();
  app = t.app;
  filmId = (await app.inject({ url: '/api/films?limit=1' })).json<{ items: { id: string }[] }>()
    .items[0]!.id;
  host = await registerUser(app, 'Host');
});
afterAll(() => t?.close());

const LONE_SURROGATE = 'x\ud800y';
const NUL = `x${String.fromCharCode(0)}y`;

/** A 400 problem (with the request id) whose `errors` or detail name `field`. */
function expectRefused(response: LightMyRequestResponse, code: string, field?: string) {
  expect(response.statusCode, response.body).toBe(400);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = response.json<{ code: string; requestId: string; errors?: { path: string }[] }>();
  expect(problem.code).toBe(code);
  expect(problem.requestId).toBe(response.headers['x-request-id']);
  if (field) expect(problem.errors?.map((e) => e.path)).toContain(field);
}

async function place(name = 'Loft') {
  const response = await app.inject({
    method: 'POST',
    url: '/api/places',
    headers: host.auth,
    payload: { name },
  });
  expect(response.statusCode).toBe(201);
  return response.json<{ id: string }>().id;
}

async function screening(capacity = 3) {
  const startsAt = new Date(t.clock.now().getTime() + 86_400_000).toISOString();
  const response = await app.inject({
    method: 'POST',
    url: '/api/screenings',
    headers: host.auth,
    payload: {
      placeId: await place(),
      filmId,
      startsAt,
      capacity,
      price: { amount: 0, currency: 'EUR' },
    },
  });
  expect(response.statusCode).toBe(201);
  return {
    id: response.json<{ id: string }>().id,
    position: String(response.headers['x-position']),
  };
}

const cursorOf = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');

describe('one text rule: no NUL, no lone surrogate, in every text field', () => {
  const cases: [string, string, () => Record<string, unknown>, string][] = [
    ['place name', '/api/places', () => ({ name: LONE_SURROGATE }), 'body.name'],
    [
      'place address',
      '/api/places',
      () => ({ name: 'a', address: LONE_SURROGATE }),
      'body.address',
    ],
    [
      'place description',
      '/api/places',
      () => ({ name: 'a', description: LONE_SURROGATE }),
      'body.description',
    ],
    [
      'register name',
      '/api/auth/register',
      () => ({ email: 'a@example.test', password: 'long enough', displayName: LONE_SURROGATE }),
      'body.displayName',
    ],
    [
      'register password',
      '/api/auth/register',
      () => ({ email: 'b@example.test', password: `${LONE_SURROGATE}long`, displayName: 'B' }),
      'body.password',
    ],
    ['login email NUL', '/api/auth/login', () => ({ email: NUL, password: 'x' }), 'body.email'],
    [
      'login email surrogate',
      '/api/auth/login',
      () => ({ email: LONE_SURROGATE, password: 'x' }),
      'body.email',
    ],
  ];
  it.each(cases)('%s: 400 validation_failed naming the field', async (_, url, payload, field) => {
    const response = await app.inject({
      method: 'POST',
      url,
      headers: host.auth,
      payload: payload(),
    });
    expectRefused(response, 'validation_failed', field);
  });

  it('screening cancel reason: 400 validation_failed', async () => {
    const { id } = await screening();
    const response = await app.inject({
      method: 'POST',
      url: `/api/screenings/${id}/cancel`,
      headers: host.auth,
      payload: { reason: LONE_SURROGATE },
    });
    expectRefused(response, 'validation_failed', 'body.reason');
  });

  it('webhook payload ids: 400 invalid_body naming the field', async () => {
    const secret = t.app.runtime.config.BILLING_WEBHOOK_SECRET;
    expect(secret ?? 'derived').toBeTruthy();
    const payload = JSON.stringify({
      id: LONE_SURROGATE,
      type: 'payment_intent.succeeded',
      data: { object: {} },
    });
    const response = await signedWebhook(payload);
    expect(response.statusCode, response.body).toBe(400);
    const problem = response.json<{ code: string; detail: string }>();
    expect(problem.code).toBe('invalid_body');
    expect(problem.detail).toContain('id:');
  });
});

/** Posts a webhook signed with the simulated service's secret (as it delivers them). */
async function signedWebhook(payload: string) {
  const { billingWebhookSecret } = await import('../../src/billing/simulated-billing.js');
  const { resolveJwtSecret } = await import('../../src/api/auth/jwt-secret.js');
  const secret = billingWebhookSecret(t.config, await resolveJwtSecret(t.config));
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex');
  return app.inject({
    method: 'POST',
    url: '/api/webhooks/billing',
    headers: {
      'content-type': 'application/json',
      'stripe-signature': `t=${timestamp},v1=${signature}`,
    },
    payload,
  });
}

describe('forged cursors: 400 invalid_cursor on every paginated route', () => {
  const ancient = {
    createdAt: '-005000-01-01T00:00:00.000Z',
    id: '0190f1e2-0000-7000-8000-000000000001',
  };
  const routes = (screeningId: string): [string, unknown][] => [
    ['/api/screenings', { startsAt: ancient.createdAt, id: ancient.id }],
    ['/api/screenings', { startsAt: '+275760-09-13T00:00:00.000Z', id: ancient.id }],
    ['/api/places/my', ancient],
    ['/api/bookings/my', ancient],
    [`/api/screenings/${screeningId}/bookings`, ancient],
    ['/api/bookings/my', { createdAt: '2026-01-01T00:00:00.000Z', id: 'not-a-uuid' }],
    ['/api/films', { title: NUL, id: ancient.id }],
    ['/api/films', { title: LONE_SURROGATE, id: ancient.id }],
    ['/api/films', { title: 'A', id: 'nope' }],
    ['/api/films', ['title', 'id']],
    // The social lists keyed by a time: `k` used to reach a `::timestamptz` cast (500).
    ...['/api/me/following', '/api/me/followers', '/api/me/friends'].flatMap(
      (list): [string, unknown][] => [
        [list, { k: 'a', id: ancient.id }],
        [list, { k: ancient.createdAt, id: ancient.id }],
      ],
    ),
    ...['/api/me/wishlist', '/api/me/likes'].flatMap((list): [string, unknown][] => [
      [list, { k: 'a', id: ancient.id }],
      [list, { k: '9999-12-31T23:59:59Z', id: 'not-a-uuid' }],
    ]),
  ];
  it('refuses each forged cursor', async () => {
    const { id, position } = await screening();
    for (const [url, key] of routes(id)) {
      const response = await app.inject({
        url: `${url}?cursor=${cursorOf(key)}`,
        headers: { ...host.auth, 'x-min-position': position },
      });
      expectRefused(response, 'invalid_cursor');
    }
  });

  it('still follows the cursors it issued', async () => {
    await place('First');
    await place('Second');
    const first = await app.inject({ url: '/api/places/my?limit=1', headers: host.auth });
    const next = first.json<{ nextCursor: string }>().nextCursor;
    expect(next).toBeTruthy();
    const second = await app.inject({
      url: `/api/places/my?limit=1&cursor=${next}`,
      headers: host.auth,
    });
    expect(second.statusCode).toBe(200);
    expect(second.json<{ items: unknown[] }>().items).toHaveLength(1);
  });
});

describe('tokens and health', () => {
  it('/health/ready with X-Min-Position: a problem, never a serialization 500', async () => {
    // Past the head: the wait times out as 503 projection_lagging (a status the route's own
    // response schema declares, which used to swallow the problem into a bare 500).
    const response = await app.inject({
      url: '/health/ready',
      headers: { 'x-min-position': '999999999-999999999' },
    });
    expect([400, 503]).toContain(response.statusCode);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['x-request-id']).toBeTruthy();
  }, 15_000);

  it('a validly signed JWT whose sub is not a uuid: 401 on a private route', async () => {
    const key = new TextEncoder().encode(t.config.JWT_SECRET);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject("1' or '1'='1")
      .setIssuer('cowatch')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(key);
    const response = await app.inject({
      url: '/api/bookings/my',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json<{ code: string }>().code).toBe('unauthorized');
  });

  it('a bad token on a public GET is anonymous; on a private route it is a 401', async () => {
    const headers = { authorization: 'Bearer not-a-token' };
    const films = await app.inject({ url: '/api/films?limit=1', headers });
    expect(films.statusCode).toBe(200);
    const mine = await app.inject({ url: '/api/places/my', headers });
    expect(mine.statusCode).toBe(401);
    expect(mine.json<{ detail: string }>().detail).toMatch(/invalid or expired/);
  });
});

describe("Fastify's own errors are problems with a request id", () => {
  it('bad URL encoding: 400 malformed_request', async () => {
    const response = await app.inject({ url: '/api/places/%ZZ' });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['x-request-id']).toBeTruthy();
    expect(response.json<{ code: string }>().code).toBe('malformed_request');
  });

  it('a path parameter past the router limit: 414 uri_too_long', async () => {
    const response = await app.inject({ url: `/api/places/${'a'.repeat(300)}` });
    expect(response.statusCode).toBe(414);
    expect(response.headers['x-request-id']).toBeTruthy();
    expect(response.json<{ code: string }>().code).toBe('uri_too_long');
  });

  it('GET /api/ws without Upgrade: 426 upgrade_required', async () => {
    const response = await app.inject({ url: '/api/ws', headers: host.auth });
    expect(response.statusCode).toBe(426);
    expect(response.headers.upgrade).toBe('websocket');
    expect(response.headers['x-request-id']).toBeTruthy();
    expect(response.json<{ code: string }>().code).toBe('upgrade_required');
  });
});

describe('If-Match on every command on a screening', () => {
  it('a non-host with a stale If-Match on screening cancel: 403, not 412', async () => {
    const { id } = await screening();
    const stranger = await registerUser(app, 'Stranger');
    const response = await app.inject({
      method: 'POST',
      url: `/api/screenings/${id}/cancel`,
      headers: { ...stranger.auth, 'if-match': '"999"' },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json<{ code: string }>().code).toBe('not_screening_host');
  });

  it('POST /api/bookings and its cancel honour If-Match (412 when stale)', async () => {
    const { id, position } = await screening();
    const viewer = await registerUser(app);
    const stale = await app.inject({
      method: 'POST',
      url: '/api/bookings',
      headers: { ...viewer.auth, 'if-match': '"7"' },
      payload: { screeningId: id, quantity: 1 },
    });
    expect(stale.statusCode).toBe(412);
    expect(stale.json<{ code: string }>().code).toBe('version_mismatch');
    // An anonymous read sees the screening once the read models have it: wait for its position.
    const current = await app.inject({
      url: `/api/screenings/${id}`,
      headers: { 'x-min-position': position },
    });
    const etag = String(current.headers.etag);
    const booked = await app.inject({
      method: 'POST',
      url: '/api/bookings',
      headers: { ...viewer.auth, 'if-match': etag },
      payload: { screeningId: id, quantity: 1 },
    });
    expect(booked.statusCode).toBe(201);
    const bookingId = booked.json<{ id: string }>().id;
    const headers = {
      ...viewer.auth,
      'x-min-position': String(booked.headers['x-position']),
      'if-match': etag,
    };
    const cancel = (h: Record<string, string>) =>
      app.inject({ method: 'POST', url: `/api/bookings/${bookingId}/cancel`, headers: h });
    const staleCancel = await cancel(headers);
    expect(staleCancel.statusCode).toBe(412);
    const fresh = await app.inject({
      url: `/api/screenings/${id}`,
      headers: { 'x-min-position': headers['x-min-position'] },
    });
    const cancelled = await cancel({ ...headers, 'if-match': String(fresh.headers.etag) });
    expect(cancelled.statusCode).toBe(200);
  });
});

describe('asking for more places than remain', () => {
  it('seats_unavailable with `available` while some remain; sold_out only at 0', async () => {
    const { id } = await screening(3);
    const viewer = await registerUser(app);
    const book = (quantity: number) =>
      app.inject({
        method: 'POST',
        url: '/api/bookings',
        headers: viewer.auth,
        payload: { screeningId: id, quantity },
      });
    const tooMany = await book(4);
    expect(tooMany.statusCode).toBe(409);
    expect(tooMany.json()).toMatchObject({ code: 'seats_unavailable', available: 3 });
    expect((await book(3)).statusCode).toBe(201);
    const none = await book(1);
    expect(none.json()).toMatchObject({ code: 'sold_out' });
  });
});
