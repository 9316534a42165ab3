import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildBaseline,
  createBaselineSchema,
  insertScreenings,
} from '../../bench/baselines/row-lock-server.js';
import { TokenService } from '../../src/api/auth/token-service.js';
import { createTestSchema, databaseUrl, type TestSchema } from '../support/postgres.js';

const SECRET = 'baseline-test-secret-baseline-test-secret';

// The bench's row-lock baseline (issue 12) must be correct before its figures mean anything.
describe.skipIf(databaseUrl === undefined)('row-lock baseline server', () => {
  let schema: TestSchema;
  let app: ReturnType<typeof buildBaseline>;
  const screening = {
    id: randomUUID(),
    filmId: randomUUID(),
    hostId: randomUUID(),
    placeId: randomUUID(),
    startsAt: new Date('2030-01-01T20:00:00.000Z'),
    capacity: 5,
  };

  beforeAll(async () => {
    schema = await createTestSchema({ max: 10 });
    await createBaselineSchema(schema.pool);
    await insertScreenings(schema.pool, [screening]);
    app = buildBaseline(schema.pool, SECRET);
  });
  afterAll(async () => {
    await app?.close();
    await schema?.drop();
  });

  it('sells exactly the capacity under 40 concurrent holds, with cowatch tokens', async () => {
    const tokens = new TokenService(SECRET);
    const hold = async () =>
      app.inject({
        method: 'POST',
        url: '/api/bookings',
        headers: { authorization: `Bearer ${await tokens.issue(randomUUID())}` },
        payload: { screeningId: screening.id, quantity: 1 },
      });
    const statuses = (await Promise.all(Array.from({ length: 40 }, hold))).map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 409)).toHaveLength(35);
    const { rows } = await schema.pool.query(
      'SELECT (SELECT held FROM screenings) AS held, (SELECT sum(quantity)::int FROM bookings) AS sold',
    );
    expect(rows[0]).toEqual({ held: 5, sold: 5 });

    const found = await app.inject({
      method: 'GET',
      url: `/api/screenings?filmId=${screening.filmId}`,
    });
    expect(found.json().items).toEqual([
      expect.objectContaining({ id: screening.id, seatsAvailable: 0 }),
    ]);
  });

  it('refuses no token (401), bad bodies and queries (400) and unknown screenings (404)', async () => {
    const tokens = new TokenService(SECRET);
    const auth = { authorization: `Bearer ${await tokens.issue(randomUUID())}` };
    const post = (payload: object, headers: Record<string, string> = auth) =>
      app.inject({ method: 'POST', url: '/api/bookings', headers, payload });
    expect((await post({ screeningId: screening.id, quantity: 1 }, {})).statusCode).toBe(401);
    expect((await post({ screeningId: 'nope', quantity: 1 })).statusCode).toBe(400);
    expect((await post({ screeningId: randomUUID(), quantity: 1 })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/screenings' })).statusCode).toBe(400);
  });
});
