import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, startTestApp, type TestApp } from '../support/app.js';
import { createScreening } from '../support/screenings.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

describe('a log written when PaymentRequested carried the Stripe client secret', () => {
  it('serves the payment reference only: to the store reader, the read model and the host', async () => {
    const { app, runtime } = t;
    const [host, user] = [await registerUser(app, 'Host'), await registerUser(app)];
    const { id: screeningId } = await createScreening(t, host, {
      amount: 800,
      seating: { capacity: 4 },
    });
    // A hold and its payment as earlier versions wrote them, secret and all, in one append so
    // the billing reactor finds the payment already there.
    const bookingId = randomUUID();
    const now = t.clock.now();
    const streamId = runtime.commands.screenings.streamId(screeningId);
    const payment = { provider: 'stripe', paymentId: 'pi_old_1' };
    const metadata = { correlationId: 'old-version', schemaVersion: 1 };
    const appended = await runtime.store.append(
      streamId,
      [
        {
          id: randomUUID(),
          type: 'SeatsHeld',
          data: {
            screeningId,
            bookingId,
            userId: user.id,
            seats: [],
            quantity: 1,
            amount: { amount: 800, currency: 'EUR' },
            heldAt: now.toISOString(),
            expiresAt: new Date(now.getTime() + 900_000).toISOString(),
          },
          metadata,
        },
        {
          id: randomUUID(),
          type: 'PaymentRequested',
          data: {
            screeningId,
            bookingId,
            payment: { ...payment, checkoutUrl: null, clientSecret: 'pi_old_1_secret_leaked' },
            requestedAt: now.toISOString(),
          },
          metadata,
        },
      ],
      { expectedRevision: 'any' },
    );

    const { events } = await runtime.store.read(streamId);
    const requested = events.filter((e) => e.type === 'PaymentRequested');
    expect(requested.map((e) => e.data.payment)).toEqual([payment]);
    const head = appended.position;
    const listed = await app.inject({
      url: `/api/screenings/${screeningId}/bookings`,
      headers: { ...host.auth, 'x-min-position': head },
    });
    expect(listed.statusCode).toBe(200);
    expect(listed.json<{ items: { payment: unknown }[] }>().items[0]?.payment).toEqual(payment);
    expect(listed.body).not.toContain('secret');
    const rows = await runtime.db
      .selectFrom('bookings')
      .select('payment')
      .where('id', '=', bookingId)
      .execute();
    expect(rows.map((r) => r.payment)).toEqual([payment]);
  });
});
