import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { loadConfig } from '../../src/config.js';
import { openRuntime, type Runtime } from '../../src/runtime.js';
import { registerUser, TestClock } from '../support/app.js';
import { createScreening } from '../support/screenings.js';

type Line = Record<string, unknown> & { message: string };

/** Every line the app logs, parsed: the JSON Elastic Common Schema lines operators get. */
const lines: Line[] = [];
const capture = { write: (raw: string) => void lines.push(JSON.parse(raw) as Line) };

let runtime: Runtime;
let app: FastifyInstance;

beforeAll(async () => {
  const config = loadConfig({
    LOG_LEVEL: 'info',
    DATA_DIR: 'memory://',
    JWT_SECRET: 'test-secret-test-secret-test-secret-42',
    RATE_LIMIT: 'off',
  });
  runtime = await openRuntime(config);
  app = await buildApp(config, { runtime, logStream: capture });
  await app.ready();
}, 120_000);
afterAll(async () => {
  await app?.close();
  await runtime?.close();
});

const completionOf = (requestId: string) =>
  lines.filter((line) => line.requestId === requestId && line.http !== undefined);

describe('request log lines', () => {
  it('log one completion line per request: method, route, status and duration, no headers', async () => {
    const requestId = 'log-test-film-list';
    const response = await app.inject({
      url: '/api/films?limit=1',
      headers: { 'x-request-id': requestId },
    });
    expect(response.statusCode).toBe(200);
    const mine = lines.filter((line) => line.requestId === requestId);
    expect(mine).toHaveLength(1);
    const [line] = mine;
    expect(line).toMatchObject({
      'log.level': 'info',
      http: { request: { method: 'GET' }, response: { status_code: 200 }, route: '/api/films' },
      url: { path: '/api/films' },
      event: { duration: expect.any(Number) },
    });
    expect(line?.message).toMatch(/^GET \/api\/films 200 \d+\.\d ms$/);
    expect(JSON.stringify(line)).not.toMatch(/headers|x-ratelimit|strict-transport-security/i);
  });

  it('name the route template, not the path, and log refusals and unknown routes too', async () => {
    await app.inject({
      url: '/api/screenings/00000000-0000-4000-8000-000000000000',
      headers: { 'x-request-id': 'log-test-missing' },
    });
    await app.inject({ url: '/api/nowhere', headers: { 'x-request-id': 'log-test-no-route' } });
    expect(completionOf('log-test-missing')).toEqual([
      expect.objectContaining({
        http: {
          request: { method: 'GET' },
          response: { status_code: 404 },
          route: '/api/screenings/:id',
        },
        url: { path: '/api/screenings/00000000-0000-4000-8000-000000000000' },
      }),
    ]);
    expect(completionOf('log-test-no-route')).toEqual([
      expect.objectContaining({
        http: { request: { method: 'GET' }, response: { status_code: 404 }, route: null },
        message: expect.stringMatching(/^GET \/api\/nowhere 404 /),
      }),
    ]);
  });
});

describe('background work', () => {
  it('logs the correlation id of the request that caused it under the requests’ field', async () => {
    const host = await registerUser(app, 'Host');
    // This app runs on the real clock.
    const screening = await createScreening({ app, clock: new TestClock() }, host, {
      amount: 900,
      seating: { capacity: 4 },
    });

    const requestId = 'log-test-paid-hold';
    const booked = await app.inject({
      method: 'POST',
      url: '/api/bookings',
      // Asynchronous: the billing reactor, not the request, opens the payment and logs it.
      headers: { ...host.auth, prefer: 'respond-async', 'x-request-id': requestId },
      payload: { screeningId: screening.id, quantity: 1 },
    });
    expect(booked.statusCode).toBe(201);

    let opened: Record<string, unknown> | undefined;
    for (let tries = 0; tries < 100 && !opened; tries++) {
      opened = lines.find((line) => line.message === 'payment opened');
      if (!opened) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(opened).toMatchObject({ requestId });
    expect(opened).not.toHaveProperty('correlationId');
    expect(completionOf(requestId)).toHaveLength(1);
  });
});
