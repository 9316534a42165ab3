import { v7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
let base: string;

beforeAll(async () => {
  t = await startTestApp();
  // A real socket: the ten requests race through the network stack, not through `inject`.
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => t?.close());

interface Call {
  readonly method?: string;
  readonly token?: string;
  readonly body?: unknown;
  readonly minPosition?: string | null;
}

async function call(path: string, { method = 'GET', token, body, minPosition }: Call = {}) {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (minPosition) headers['x-min-position'] = minPosition;
  // A paid hold's 201 then carries the payment, like the GET that follows.
  if (path === '/api/bookings') headers.prefer = 'wait=5';
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as Record<string, unknown>;
  return { status: response.status, json, position: response.headers.get('x-position') };
}

async function register(name: string): Promise<string> {
  const email = `${name}-${v7()}@example.test`;
  const { status, json } = await call('/api/auth/register', {
    method: 'POST',
    body: { email, password: 'correct horse battery', displayName: name },
  });
  expect(status).toBe(201);
  return String(json.accessToken);
}

async function screening(host: string, seating: Record<string, unknown>): Promise<string> {
  const films = await call('/api/films?limit=1');
  const [film] = films.json.items as { id: string }[];
  const place = await call('/api/places', { method: 'POST', token: host, body: { name: 'Roof' } });
  const startsAt = new Date(t.clock.now().getTime() + 86_400_000).toISOString();
  const created = await call('/api/screenings', {
    method: 'POST',
    token: host,
    body: {
      placeId: place.json.id,
      filmId: film?.id,
      startsAt,
      price: { amount: 900, currency: 'EUR' },
      ...seating,
    },
  });
  expect(created.status).toBe(201);
  return String(created.json.id);
}

/** Ten users send the same booking at the same moment; returns the answers and the users. */
async function race(body: Record<string, unknown>) {
  const users = await Promise.all(Array.from({ length: 10 }, (_, i) => register(`racer${i}`)));
  const answers = await Promise.all(
    users.map((token) => call('/api/bookings', { method: 'POST', token, body })),
  );
  const winners = answers.flatMap((answer, i) =>
    answer.status === 201 ? [{ answer, token: users[i]! }] : [],
  );
  const losers = answers.filter((answer) => answer.status !== 201);
  expect(winners).toHaveLength(1);
  expect(losers.map((l) => l.status)).toEqual(Array(9).fill(409));
  for (const loser of losers) expect(['seats_unavailable', 'sold_out']).toContain(loser.json.code);
  return winners[0]!;
}

describe('acceptance: the last seat over HTTP', () => {
  it('10 clients try to book the same seat at the same moment over HTTP: exactly one 201, nine 409', async () => {
    const screeningId = await screening(await register('host'), {
      seating: { rows: 2, seatsPerRow: 5 },
    });
    const seat = { row: 1, number: 3 };
    const winner = await race({ screeningId, seats: [seat] });
    expect(winner.answer.json).toMatchObject({ status: 'PENDING', seats: [seat], amount: 900 });

    const minPosition = winner.answer.position;
    expect(minPosition).toBeTruthy();
    const map = await call(`/api/screenings/${screeningId}/seats`, { minPosition });
    expect(map.status).toBe(200);
    const seats = map.json.seats as { row: number; number: number; status: string }[];
    expect(seats.filter((s) => s.status !== 'AVAILABLE')).toEqual([{ ...seat, status: 'LOCKED' }]);
    expect(map.json.available).toBe(9);

    const mine = await call('/api/bookings/my', { token: winner.token, minPosition });
    expect(mine.status).toBe(200);
    expect(mine.json.items).toEqual([winner.answer.json]);
  });

  it('10 clients try to take the last place of a general admission screening: one wins', async () => {
    const screeningId = await screening(await register('host'), { capacity: 1 });
    const winner = await race({ screeningId, quantity: 1 });
    const shown = await call(`/api/screenings/${screeningId}`, {
      minPosition: winner.answer.position,
    });
    expect(shown.json).toMatchObject({ capacity: 1, seatsAvailable: 0 });
  });
});
