import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepIdempotencyKeys } from '../../src/api/plugins/idempotency.js';
import { registerUser, startTestApp, type TestApp, type TestUser } from '../support/app.js';

// Idempotency keys are bounded: the caller's own, only for signed-in callers, gone after 24 h.

let t: TestApp;
let app: FastifyInstance;
let user: TestUser;

beforeAll(async () => {
  // A sweep every 50 ms, so the periodic one is seen at work without waiting an hour.
  t = await startTestApp({ IDEMPOTENCY_SWEEP_MS: '50' });
  app = t.app;
  user = await registerUser(app, 'Keeper');
});
afterAll(() => t?.close());

function createPlace(key: string, name: string, auth: Record<string, string> = user.auth) {
  return app.inject({
    method: 'POST',
    url: '/api/places',
    headers: { ...auth, 'idempotency-key': key },
    payload: { name },
  });
}

async function keyRows(key: string) {
  return t.runtime.db
    .selectFrom('idempotency_keys')
    .select(['user_scope', 'created_at'])
    .where('key', '=', key)
    .execute();
}

/** Moves a key's creation back by `hours`. */
async function age(key: string, hours: number) {
  await t.runtime.db
    .updateTable('idempotency_keys')
    .set({ created_at: sql`created_at - make_interval(hours => ${hours})` })
    .where('key', '=', key)
    .execute();
}

describe('idempotency keys', () => {
  it('are not stored for anonymous requests', async () => {
    const key = randomUUID();
    const response = await app.inject({
      method: 'POST',
      url: '/api/billing/checkout/no-such-payment',
      headers: { 'idempotency-key': key },
      payload: { outcome: 'succeeded' },
    });
    // Checkout needs the payer's token: the anonymous request is refused, its key not kept.
    expect(response.statusCode).toBe(401);
    expect(await keyRows(key)).toEqual([]);
  });

  it("are scoped to the caller: another user's same key is another request", async () => {
    const key = randomUUID();
    const other = await registerUser(app, 'Other');
    const mine = await createPlace(key, 'Mine');
    const theirs = await createPlace(key, 'Theirs', other.auth);
    expect(mine.statusCode).toBe(201);
    expect(theirs.statusCode).toBe(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.json<{ id: string }>().id).not.toBe(mine.json<{ id: string }>().id);
    expect((await keyRows(key)).map((r) => r.user_scope).sort()).toEqual(
      [user.id, other.id].sort(),
    );
  });

  it('committed together under concurrency, each request keeps its own key and answer', async () => {
    // Claims and answers of concurrent requests share statements: none may take another's.
    const keys = Array.from({ length: 30 }, () => randomUUID());
    const firsts = await Promise.all(keys.map((key, i) => createPlace(key, `Place ${i}`)));
    expect(firsts.map((r) => r.statusCode)).toEqual(keys.map(() => 201));
    const ids = firsts.map((r) => r.json<{ id: string }>().id);
    expect(new Set(ids).size).toBe(keys.length);
    const retries = await Promise.all(keys.map((key, i) => createPlace(key, `Place ${i}`)));
    expect(retries.map((r) => r.headers['idempotent-replayed'])).toEqual(keys.map(() => 'true'));
    expect(retries.map((r) => r.json<{ id: string }>().id)).toEqual(ids);
    // The same key twice at once: one runs, the other is told it is in flight or replayed.
    const key = randomUUID();
    const both = await Promise.all([createPlace(key, 'Twice'), createPlace(key, 'Twice')]);
    const statuses = both.map((r) => r.statusCode).sort();
    expect([
      [201, 201],
      [201, 409],
    ]).toContainEqual(statuses);
    if (statuses[1] === 201) {
      expect(both.map((r) => r.json<{ id: string }>().id)[0]).toBe(
        both.map((r) => r.json<{ id: string }>().id)[1],
      );
    }
  });

  it('expire after 24 hours: the same key is then decided anew, not answered from memory', async () => {
    const key = randomUUID();
    expect((await createPlace(key, 'Monday')).statusCode).toBe(201);
    expect((await createPlace(key, 'Tuesday')).statusCode).toBe(422);
    await age(key, 23);
    const replay = await createPlace(key, 'Monday');
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    await age(key, 2);
    // The place id derives from the key, so deciding again finds the place already made.
    const anew = await createPlace(key, 'Tuesday');
    expect(anew.headers['idempotent-replayed']).toBeUndefined();
    expect(anew.statusCode).toBe(409);
    expect(anew.json<{ code: string }>().code).toBe('place_already_exists');
  });

  it('are swept once expired, by the function and by the periodic sweep', async () => {
    const [old, recent, periodic] = [randomUUID(), randomUUID(), randomUUID()];
    for (const key of [old, recent, periodic]) {
      expect((await createPlace(key, 'Swept')).statusCode).toBe(201);
    }
    await age(old, 25);
    await age(recent, 23);
    await sweepIdempotencyKeys(t.runtime.db);
    expect(await keyRows(old)).toEqual([]);
    expect(await keyRows(recent)).toHaveLength(1);
    await age(periodic, 25);
    await expect.poll(() => keyRows(periodic), { timeout: 5_000 }).toEqual([]);
    expect(await keyRows(recent)).toHaveLength(1);
  });
});
