import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, startTestApp, type TestApp, type TestUser } from '../support/app.js';
import { listen, TestSocket } from '../support/notification-socket.js';
import { databaseUrl } from '../support/postgres.js';
import { RedisProxy } from '../support/redis-proxy.js';
import { createBooking, createScreening } from '../support/screenings.js';

// Unset or empty: no Redis here (an empty URL is what `REDIS_URL=` in a shell gives).
const redisUrl = process.env.REDIS_URL || undefined;

/** A free general-admission screening hosted by `host`, created through `t`. */
const freeScreening = async (t: TestApp, host: TestUser) => (await createScreening(t, host)).id;

const book = (app: FastifyInstance, user: TestUser, screeningId: string) =>
  createBooking(app, user, screeningId);

describe.skipIf(!databaseUrl || !redisUrl)(
  'Redis fan-out across API nodes (needs DATABASE_URL and REDIS_URL)',
  () => {
    let a: TestApp;
    let b: TestApp;
    let baseB: string;

    beforeAll(async () => {
      a = await startTestApp({ REDIS_URL: redisUrl ?? '' });
      b = await startTestApp(
        { REDIS_URL: redisUrl ?? '', ROLE: 'serve' },
        { shareDatabaseWith: a },
      );
      baseB = await listen(b.app);
    });
    afterAll(async () => {
      await b?.stop();
      await a?.close();
    });

    it('a socket on node B gets the notifications of a booking made through node A', async () => {
      const host = await registerUser(a.app, 'Host');
      const viewer = await registerUser(a.app, 'Viewer');
      const screening = await freeScreening(a, host);
      const hostSocket = await TestSocket.open(baseB, { token: host.token });
      const viewerSocket = await TestSocket.open(baseB, { headers: viewer.auth });

      const booking = await book(a.app, viewer, screening);

      expect(await hostSocket.notification()).toMatchObject({
        type: 'booking.created',
        data: { bookingId: booking.id, userId: viewer.id },
      });
      const confirmed = await viewerSocket.notification();
      expect(confirmed).toMatchObject({
        type: 'booking.confirmed',
        data: { bookingId: booking.id },
      });
      // Node B serves the same inbox, though only node A projects.
      const inbox = await b.app.inject({
        url: '/api/notifications',
        headers: { ...viewer.auth, 'x-min-position': booking.position },
      });
      expect(inbox.json()).toEqual({ items: [confirmed], nextCursor: null });
      await Promise.all([hostSocket.close(), viewerSocket.close()]);
    });

    it('a booking made through node B reaches a socket on node B through node A’s projector', async () => {
      const host = await registerUser(b.app, 'Host');
      const viewer = await registerUser(b.app, 'Viewer');
      const socket = await TestSocket.open(baseB, { token: viewer.token });
      const screening = await freeScreening(b, host);
      const booking = await book(b.app, viewer, screening);
      expect(await socket.notification()).toMatchObject({
        type: 'booking.confirmed',
        data: { bookingId: booking.id },
      });
      await socket.close();
    });
  },
);

describe('Redis unreachable', () => {
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    // Nothing listens on port 1: every connection attempt is refused, and retried.
    t = await startTestApp({ REDIS_URL: 'redis://127.0.0.1:1' });
    base = await listen(t.app);
  });
  afterAll(() => t?.close());

  it('bookings still succeed, the inbox keeps the notifications and a resume delivers them', async () => {
    const host = await registerUser(t.app, 'Host');
    const viewer = await registerUser(t.app, 'Viewer');
    const screening = await freeScreening(t, host);
    const socket = await TestSocket.open(base, { token: viewer.token });
    const first = await book(t.app, viewer, screening);
    const second = await book(t.app, viewer, screening);

    const inbox = await t.app.inject({
      url: '/api/notifications',
      headers: { ...viewer.auth, 'x-min-position': second.position },
    });
    const { items } = inbox.json<{ items: { cursor: string; data: { bookingId: string } }[] }>();
    expect(items.map((n) => n.data.bookingId)).toEqual([first.id, second.id]);

    socket.send({ type: 'resume', after: '0' });
    const resumed = await socket.notifications(2);
    expect(resumed).toEqual(items);
    await socket.close();
  });
});

describe.skipIf(!redisUrl)('Redis coming back (needs REDIS_URL)', () => {
  let t: TestApp;
  let base: string;
  const proxy = new RedisProxy(new URL(redisUrl ?? 'redis://127.0.0.1:6379'));

  beforeAll(async () => {
    await proxy.open();
    t = await startTestApp({ REDIS_URL: `redis://127.0.0.1:${proxy.port}` });
    base = await listen(t.app);
  });
  afterAll(async () => {
    await t?.close();
    await proxy.cut();
  });

  it('an open socket catches up on what was committed while Redis was away, unasked', async () => {
    const host = await registerUser(t.app, 'Host');
    const viewer = await registerUser(t.app, 'Viewer');
    const screening = await freeScreening(t, host);
    const socket = await TestSocket.open(base, { token: viewer.token });
    const before = await book(t.app, viewer, screening);
    expect((await socket.notification()).data.bookingId).toBe(before.id);

    await proxy.cut();
    const during = await book(t.app, viewer, screening);
    const inbox = await t.app.inject({
      url: '/api/notifications',
      headers: { ...viewer.auth, 'x-min-position': during.position },
    });
    expect(inbox.json<{ items: unknown[] }>().items).toHaveLength(2);
    await proxy.open();

    const caughtUp = await socket.notification();
    expect(caughtUp).toMatchObject({ type: 'booking.confirmed', data: { bookingId: during.id } });
    const after = await book(t.app, viewer, screening);
    expect((await socket.notification()).data.bookingId).toBe(after.id);
    await socket.close();
  });

  it('a socket that had received nothing yet catches up too', async () => {
    const host = await registerUser(t.app, 'Host');
    const viewer = await registerUser(t.app, 'Viewer');
    const screening = await freeScreening(t, host);
    const socket = await TestSocket.open(base, { token: viewer.token });

    await proxy.cut();
    const during = await book(t.app, viewer, screening);
    const inbox = await t.app.inject({
      url: '/api/notifications',
      headers: { ...viewer.auth, 'x-min-position': during.position },
    });
    expect(inbox.json<{ items: unknown[] }>().items).toHaveLength(1);
    await proxy.open();

    const caughtUp = await socket.notification();
    expect(caughtUp).toMatchObject({ type: 'booking.confirmed', data: { bookingId: during.id } });
    await socket.close();
  });
});
