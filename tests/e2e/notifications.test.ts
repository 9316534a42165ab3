import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  problemOf,
  registerUser,
  startTestApp,
  type TestApp,
  type TestUser,
} from '../support/app.js';
import {
  listen,
  refusedUpgrade,
  TestSocket,
  until,
  type WsNotification,
} from '../support/notification-socket.js';
import { createBooking, createScreening } from '../support/screenings.js';

let t: TestApp;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  t = await startTestApp({ WS_PING_MS: '100' });
  app = t.app;
  base = await listen(app);
});
afterAll(() => t?.close());

/** A general-admission screening of `host`, free unless a price is given. */
const screening = async (host: TestUser, amount = 0) =>
  (await createScreening(t, host, { amount, seating: { capacity: 50 }, startsInDays: 7 })).id;

const book = (user: TestUser, screeningId: string, position?: string) =>
  createBooking(
    app,
    user,
    screeningId,
    { quantity: 1 },
    position ? { 'x-min-position': position } : {},
  );

async function inbox(user: TestUser, position: string, after?: string) {
  const response = await app.inject({
    url: `/api/notifications${after ? `?after=${after}` : ''}`,
    headers: { ...user.auth, 'x-min-position': position },
  });
  expect(response.statusCode).toBe(200);
  return response.json<{ items: WsNotification[]; nextCursor: string | null }>();
}

describe('live notifications', () => {
  it('pushes booking.created to the host and booking.confirmed to the booker, in the inbox too', async () => {
    const host = await registerUser(app, 'Host');
    const viewer = await registerUser(app, 'Viewer');
    const screeningId = await screening(host);
    const hostSocket = await TestSocket.open(base, { headers: host.auth });
    const viewerSocket = await TestSocket.open(base, { token: viewer.token });

    const first = await book(viewer, screeningId);
    const second = await book(viewer, screeningId);

    const created = await hostSocket.notifications(2);
    expect(created.map((n) => [n.type, n.data.bookingId])).toEqual([
      ['booking.created', first.id],
      ['booking.created', second.id],
    ]);
    expect(created[0]!.data).toMatchObject({ screeningId, userId: viewer.id, quantity: 1 });
    const confirmed = await viewerSocket.notifications(2);
    expect(confirmed.map((n) => [n.type, n.data.bookingId])).toEqual([
      ['booking.confirmed', first.id],
      ['booking.confirmed', second.id],
    ]);
    expect(confirmed[0]!.data).toMatchObject({
      screeningId,
      amount: { amount: 0, currency: 'EUR' },
      paymentId: null,
    });
    expect(typeof confirmed[0]!.data.filmTitle).toBe('string');

    const listed = await inbox(viewer, second.position);
    expect(listed).toEqual({ items: confirmed, nextCursor: null });
    expect(BigInt(confirmed[0]!.cursor)).toBeLessThan(BigInt(confirmed[1]!.cursor));
    expect((await inbox(host, second.position)).items).toEqual(created);
    const page = await app.inject({
      url: '/api/notifications?limit=1',
      headers: { ...viewer.auth, 'x-min-position': second.position },
    });
    expect(page.json()).toEqual({ items: [confirmed[0]], nextCursor: confirmed[0]!.cursor });
    const after = await inbox(viewer, second.position, confirmed[0]!.cursor);
    expect(after.items).toEqual([confirmed[1]]);
    await Promise.all([hostSocket.close(), viewerSocket.close()]);
  });

  it('refuses an upgrade without a valid token with an HTTP 401 problem', async () => {
    for (const refused of [
      await refusedUpgrade(`${base}/api/ws`),
      await refusedUpgrade(`${base}/api/ws?token=not-a-jwt`),
      await refusedUpgrade(`${base}/api/ws`, { authorization: 'Bearer not-a-jwt' }),
    ]) {
      expect(refused.status).toBe(401);
      expect(refused.contentType).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(refused.body)).toMatchObject({ status: 401, code: 'unauthorized' });
    }
  });

  it('a client that missed three notifications gets exactly those on resume, in order', async () => {
    const host = await registerUser(app, 'Host');
    const viewer = await registerUser(app, 'Viewer');
    const screeningId = await screening(host);
    const before = await TestSocket.open(base, { token: viewer.token });
    await book(viewer, screeningId);
    const last = await before.notification();
    await before.close();

    const missed = [];
    for (let i = 0; i < 3; i += 1) missed.push(await book(viewer, screeningId));
    await inbox(viewer, missed[2]!.position);

    const socket = await TestSocket.open(base, { headers: viewer.auth });
    socket.send({ type: 'resume', after: last.cursor });
    const resumed = await socket.notifications(3);
    expect(resumed.map((n) => n.data.bookingId)).toEqual(missed.map((b) => b.id));
    expect(resumed.every((n) => n.type === 'booking.confirmed')).toBe(true);
    // Nothing repeated: the next message is the next booking's.
    const next = await book(viewer, screeningId);
    expect((await socket.notification()).data.bookingId).toBe(next.id);
    await socket.close();
  });

  it('tells every booker when the host cancels the screening', async () => {
    const host = await registerUser(app, 'Host');
    const viewer = await registerUser(app, 'Viewer');
    const screeningId = await screening(host);
    const socket = await TestSocket.open(base, { token: viewer.token });
    const booking = await book(viewer, screeningId);
    expect((await socket.notification()).type).toBe('booking.confirmed');
    const cancel = await app.inject({
      method: 'POST',
      url: `/api/screenings/${screeningId}/cancel`,
      headers: { ...host.auth, 'x-min-position': booking.position },
      payload: { reason: 'projector broke' },
    });
    expect(cancel.statusCode).toBe(200);
    const [cancelled, bookingCancelled] = await socket.notifications(2);
    expect(cancelled).toMatchObject({
      type: 'screening.cancelled',
      data: { screeningId, reason: 'projector broke', bookingIds: [booking.id] },
    });
    expect(bookingCancelled).toMatchObject({
      type: 'booking.cancelled',
      data: { bookingId: booking.id, screeningId, reason: 'screening_cancelled' },
    });
    await socket.close();
  });

  it('answers invalid messages with invalid_message and keeps the socket open', async () => {
    const viewer = await registerUser(app, 'Viewer');
    const socket = await TestSocket.open(base, { token: viewer.token });
    for (const bad of ['not json', { type: 'subscribe' }, { type: 'resume', after: 'x1' }, '[]']) {
      socket.send(bad);
      expect(await socket.next()).toMatchObject({ type: 'error', code: 'invalid_message' });
    }
    socket.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await socket.next()).toMatchObject({ type: 'error', code: 'invalid_message' });
    expect(socket.ws.readyState).toBe(socket.ws.OPEN);
    await socket.close();
  });

  it('drops a connection that does not answer pings and keeps one that does', async () => {
    const viewer = await registerUser(app, 'Viewer');
    // The earlier tests closed theirs; the server notices within a moment.
    await until(() => app.realtime.sockets.size === 0);
    const silent = await TestSocket.open(base, { token: viewer.token }, { autoPong: false });
    const lively = await TestSocket.open(base, { token: viewer.token });
    expect(app.realtime.sockets.size).toBe(2);
    expect(await silent.closed).toBe(1006);
    await until(() => app.realtime.sockets.size === 1);
    expect(lively.ws.readyState).toBe(lively.ws.OPEN);
    await lively.close();
    await until(() => app.realtime.sockets.size === 0);
  });

  it('GET /api/notifications needs a token and a valid cursor', async () => {
    const anonymous = await app.inject({ url: '/api/notifications' });
    expect(anonymous.statusCode).toBe(401);
    expect(problemOf(anonymous).code).toBe('unauthorized');
    const viewer = await registerUser(app, 'Viewer');
    const bad = await app.inject({ url: '/api/notifications?after=abc', headers: viewer.auth });
    expect(bad.statusCode).toBe(400);
    expect(problemOf(bad).code).toBe('validation_failed');
  });
});
