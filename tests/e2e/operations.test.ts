import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemOf, registerUser, startTestApp, type TestApp } from '../support/app.js';

describe('operations: metrics, health, security headers', () => {
  let test: TestApp;
  let app: FastifyInstance;

  beforeAll(async () => {
    test = await startTestApp();
    app = test.app;
  });
  afterAll(async () => test?.close());

  it('exposes the named series on /metrics after a few requests', async () => {
    const host = await registerUser(app, 'Host');
    const place = await app.inject({
      method: 'POST',
      url: '/api/places',
      headers: host.auth,
      payload: { name: 'Den' },
    });
    expect(place.statusCode).toBe(201);
    await app.inject({
      method: 'DELETE',
      url: `/api/places/${place.json().id}`,
      headers: (await registerUser(app)).auth,
    });
    await app.inject({ method: 'GET', url: '/api/films?limit=1' });

    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    const text = response.body;
    expect(text).toMatch(
      /cowatch_http_request_duration_seconds_bucket\{[^}]*route="\/api\/films"[^}]*\}/,
    );
    expect(text).toMatch(
      /cowatch_command_outcomes_total\{aggregate="place",command="CreatePlace",outcome="ok"\} 1/,
    );
    expect(text).toMatch(
      /cowatch_command_outcomes_total\{aggregate="place",command="DeletePlace",outcome="not_place_host"\} 1/,
    );
    expect(text).toContain('cowatch_command_conflicts_total');
    expect(text).toContain('cowatch_command_retries_total');
    // The series appears with the projector's first checkpoint, a moment after start.
    await expect
      .poll(async () => (await app.inject({ method: 'GET', url: '/metrics' })).body, {
        timeout: 10_000,
      })
      .toMatch(/cowatch_projection_lag_seconds\{projection="read-models"\} \d/);
    expect(text).toMatch(/cowatch_websockets_open \d+/);
  });

  it('refuses a malformed X-Min-Position with 400', async () => {
    for (const position of ['not-a-position', '12', '1-2-3']) {
      const response = await app.inject({
        url: '/api/films?limit=1',
        headers: { 'x-min-position': position },
      });
      expect(response.statusCode).toBe(400);
      expect(problemOf(response).code).toBe('invalid_position');
    }
  });

  it('answers liveness and readiness', async () => {
    const live = await app.inject({ method: 'GET', url: '/health/live' });
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(live.statusCode).toBe(200);
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({
      status: 'ok',
      checks: { readModels: 'ok', eventStore: 'ok', projections: 'ok' },
    });
  });

  it('sends security headers', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/films?limit=1' });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBeDefined();
  });

  it('refuses a body over the size limit with 413 problem+json', async () => {
    const host = await registerUser(app, 'Host');
    const response = await app.inject({
      method: 'POST',
      url: '/api/places',
      headers: { ...host.auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x', description: 'y'.repeat(300 * 1024) }),
    });
    expect(response.statusCode).toBe(413);
    expect(problemOf(response).code).toBe('payload_too_large');
  });
});

const redisUrl = process.env.REDIS_URL;

describe('readiness with REDIS_URL set', () => {
  it('is degraded, not down, while only Redis is unreachable, and says which part', async () => {
    // Port 1 on loopback: nothing listens there, so every connection is refused.
    const test = await startTestApp({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const ready = await test.app.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.statusCode).toBe(200);
      const body = ready.json();
      expect(body).toMatchObject({
        status: 'degraded',
        checks: { readModels: 'ok', eventStore: 'ok' },
        detail: expect.stringContaining('notification fan-out (Redis)'),
      });
      expect(body.checks.notificationFanOut).not.toBe('ok');
      expect(body.checks.notificationFanOut).toEqual(expect.any(String));
    } finally {
      await test.close();
    }
  }, 120_000);

  it.skipIf(!redisUrl)(
    'is ok when Redis answers',
    async () => {
      const test = await startTestApp({ REDIS_URL: redisUrl ?? '' });
      try {
        const ready = await test.app.inject({ method: 'GET', url: '/health/ready' });
        expect(ready.statusCode).toBe(200);
        expect(ready.json()).toEqual({
          status: 'ok',
          checks: {
            readModels: 'ok',
            eventStore: 'ok',
            projections: 'ok',
            notificationFanOut: 'ok',
          },
        });
      } finally {
        await test.close();
      }
    },
    120_000,
  );
});

const stores: { name: string; env: Record<string, string> }[] = [
  { name: 'in memory', env: {} },
  ...(redisUrl ? [{ name: 'in Redis', env: { REDIS_URL: redisUrl } }] : []),
];

describe.each(stores)('rate limits, counted $name', ({ env }) => {
  let test: TestApp;
  let app: FastifyInstance;

  beforeAll(async () => {
    test = await startTestApp({ RATE_LIMIT: 'on', ...env });
    app = test.app;
  });
  afterAll(async () => test?.close());

  const login = (email: string, password: string) =>
    app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });

  it('throttles a burst of wrong-password logins for one account while others still log in', async () => {
    const victim = await registerUser(app, 'Victim');
    const other = await registerUser(app, 'Other');
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++)
      statuses.push((await login(victim.email, 'wrong password!')).statusCode);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual(Array(5).fill(429));

    const throttled = await login(victim.email, 'correct horse battery');
    expect(throttled.statusCode).toBe(429);
    expect(problemOf(throttled).code).toBe('rate_limited');
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);

    // Same address, another account: not affected.
    const fine = await login(other.email, 'correct horse battery');
    expect(fine.statusCode).toBe(200);
  });
});
