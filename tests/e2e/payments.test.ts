import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import Stripe from 'stripe';
import { v7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingWebhookSecret } from '../../src/billing/simulated-billing.js';
import { expireBooking } from '../../src/commands/booking-commands.js';
import { waitForPosition } from '../../src/projections/engine/checkpoints.js';
import { BILLING_REACTOR } from '../../src/projections/reactors/billing-reactor.js';
import {
  problemOf,
  registerUser,
  startTestApp,
  type TestApp,
  type TestUser,
} from '../support/app.js';
import { databaseUrl } from '../support/postgres.js';
import { createScreening } from '../support/screenings.js';

interface Booking {
  id: string;
  screeningId: string;
  status: string;
  expiresAt: string;
  payment: { provider: string; paymentId: string; checkoutUrl?: string } | null;
}

let t: TestApp;
let app: FastifyInstance;
let secret: string;

beforeAll(async () => {
  t = await startTestApp();
  app = t.app;
  secret = billingWebhookSecret(t.config, t.config.JWT_SECRET ?? '');
});
afterAll(() => t?.close());

const at = (response: LightMyRequestResponse) => String(response.headers['x-position']);

const screening = async (host: TestUser, amount = 1500) =>
  (
    await createScreening(t, host, {
      amount,
      seating: { seating: { rows: 2, seatsPerRow: 2 } },
      startsInDays: 7,
    })
  ).id;

/** A paid hold of seat A1, with the payment billing opened for it. */
async function hold(user: TestUser, screeningId: string) {
  const response = await app.inject({
    method: 'POST',
    url: '/api/bookings',
    headers: user.auth,
    payload: { screeningId, seats: [{ row: 1, number: 1 }] },
  });
  expect(response.statusCode).toBe(201);
  const booking = response.json<Booking>();
  expect(booking.payment).toEqual({
    provider: 'simulated',
    paymentId: `sim_pi_${screeningId}_${booking.id}`,
    checkoutUrl: `/api/billing/checkout/${booking.payment?.paymentId}`,
  });
  return { booking, paymentId: booking.payment?.paymentId ?? '', position: at(response) };
}

function checkout(paymentId: string, outcome: 'succeeded' | 'failed', payer: TestUser | null) {
  return app.inject({
    method: 'POST',
    url: `/api/billing/checkout/${paymentId}`,
    headers: payer?.auth ?? {},
    payload: { outcome },
  });
}

function get(url: string, user: TestUser, position: string) {
  return app.inject({ url, headers: { ...user.auth, 'x-min-position': position } });
}

async function statusOf(user: TestUser, bookingId: string, position: string) {
  const response = await get(`/api/bookings/${bookingId}`, user, position);
  expect(response.statusCode).toBe(200);
  return response.json<Booking>().status;
}

async function paymentStatus(paymentId: string) {
  const row = await t.runtime.db
    .selectFrom('simulated_payments')
    .select('status')
    .where('id', '=', paymentId)
    .executeTakeFirst();
  return row?.status;
}

async function streamEvents(screeningId: string) {
  const streamId = t.runtime.commands.screenings.streamId(screeningId);
  return (await t.runtime.store.read(streamId)).events;
}

/** Waits until the billing reactor has handled everything up to `position`. */
async function billingPassed(position: string) {
  expect(await waitForPosition(t.runtime.db, t.runtime.store, [BILLING_REACTOR], position)).toBe(
    true,
  );
}

/** A `payment_intent.*` event for a simulated payment, as the billing service would send it. */
function paymentEvent(type: string, paymentId: string, booking: Booking) {
  return JSON.stringify({
    id: `evt_${v7()}`,
    object: 'event',
    type,
    data: {
      object: {
        id: paymentId,
        object: 'payment_intent',
        amount: 1500,
        currency: 'eur',
        metadata: { bookingId: booking.id, screeningId: booking.screeningId },
      },
    },
    created: Math.floor(Date.now() / 1000),
  });
}

function webhook(payload: string, signature: string | undefined) {
  return app.inject({
    method: 'POST',
    url: '/api/webhooks/billing',
    headers: {
      'content-type': 'application/json',
      ...(signature === undefined ? {} : { 'stripe-signature': signature }),
    },
    payload,
  });
}

describe('simulated checkout', () => {
  it('confirms the booking when the payer pays, once', async () => {
    const user = await registerUser(app);
    const { booking, paymentId } = await hold(user, await screening(await registerUser(app)));
    // The hold named the payment without calling the service: it learns of it at checkout.
    expect(await paymentStatus(paymentId)).toBeUndefined();
    const paid = await checkout(paymentId, 'succeeded', user);
    expect(paid.statusCode).toBe(200);
    expect(paid.json()).toEqual({ paymentId, status: 'succeeded' });
    expect(await statusOf(user, booking.id, at(paid))).toBe('CONFIRMED');
    expect(await paymentStatus(paymentId)).toBe('succeeded');
    const again = await checkout(paymentId, 'failed', user);
    expect(again.statusCode).toBe(409);
    expect(problemOf(again).code).toBe('payment_not_open');
    const unknown = await checkout(`sim_pi_${v7()}`, 'succeeded', user);
    expect(unknown.statusCode).toBe(404);
    expect(problemOf(unknown).code).toBe('payment_not_found');
  });

  it("lets only the booking's owner pay: 401 without a token, 404 for anyone else", async () => {
    const user = await registerUser(app);
    const { booking, paymentId } = await hold(user, await screening(await registerUser(app)));
    const anonymous = await checkout(paymentId, 'succeeded', null);
    expect(anonymous.statusCode).toBe(401);
    expect(problemOf(anonymous).code).toBe('unauthorized');
    const stranger = await registerUser(app);
    for (const outcome of ['succeeded', 'failed'] as const) {
      const refused = await checkout(paymentId, outcome, stranger);
      expect(refused.statusCode).toBe(404);
      expect(problemOf(refused).code).toBe('payment_not_found');
    }
    expect(await paymentStatus(paymentId)).toBeUndefined();
    const head = (await t.runtime.store.headPosition()) ?? '';
    expect(await statusOf(user, booking.id, head)).toBe('PENDING');
    const paid = await checkout(paymentId, 'succeeded', user);
    expect(paid.statusCode).toBe(200);
    expect(await statusOf(user, booking.id, at(paid))).toBe('CONFIRMED');
  });

  it('cancels the hold and frees the seat when the payment fails', async () => {
    const user = await registerUser(app);
    const screeningId = await screening(await registerUser(app));
    const { booking, paymentId } = await hold(user, screeningId);
    const failed = await checkout(paymentId, 'failed', user);
    expect(failed.statusCode).toBe(200);
    expect(failed.json()).toEqual({ paymentId, status: 'failed' });
    expect(await statusOf(user, booking.id, at(failed))).toBe('CANCELLED');
    const seats = await get(`/api/screenings/${screeningId}/seats`, user, at(failed));
    expect(seats.json<{ seats: { status: string }[] }>().seats[0]).toMatchObject({
      row: 1,
      number: 1,
      status: 'AVAILABLE',
    });
  });
});

describe('POST /api/webhooks/billing', () => {
  it('processes a redelivered event once and answers 200 duplicate', async () => {
    const user = await registerUser(app);
    const { booking, paymentId } = await hold(user, await screening(await registerUser(app)));
    const payload = paymentEvent('payment_intent.succeeded', paymentId, booking);
    const first = await webhook(
      payload,
      Stripe.webhooks.generateTestHeaderString({ payload, secret }),
    );
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ received: true });
    const second = await webhook(
      payload,
      Stripe.webhooks.generateTestHeaderString({ payload, secret }),
    );
    expect(second.statusCode).toBe(200);
    expect(second.json()).toEqual({ received: true, duplicate: true });
    expect(second.headers['x-position']).toBeUndefined();
    expect(await statusOf(user, booking.id, at(first))).toBe('CONFIRMED');
    const confirmed = (await streamEvents(booking.screeningId)).filter(
      (e) => e.type === 'BookingConfirmed',
    );
    expect(confirmed).toHaveLength(1);
  });

  it('answers exactly one of concurrent duplicate deliveries as the first', async () => {
    const user = await registerUser(app);
    const { booking, paymentId } = await hold(user, await screening(await registerUser(app)));
    const payload = paymentEvent('payment_intent.succeeded', paymentId, booking);
    const deliveries = await Promise.all(
      Array.from({ length: 8 }, () =>
        webhook(payload, Stripe.webhooks.generateTestHeaderString({ payload, secret })),
      ),
    );
    expect(deliveries.map((response) => response.statusCode)).toEqual(Array(8).fill(200));
    const answers = deliveries.map((response) => response.json<{ duplicate?: true }>());
    expect(answers.filter((answer) => answer.duplicate === undefined)).toHaveLength(1);
    expect(answers.filter((answer) => answer.duplicate === true)).toHaveLength(7);
    const confirmed = (await streamEvents(booking.screeningId)).filter(
      (e) => e.type === 'BookingConfirmed',
    );
    expect(confirmed).toHaveLength(1);
  });

  it('refuses a missing or forged signature with 400 invalid_signature', async () => {
    const user = await registerUser(app);
    const { booking, paymentId } = await hold(user, await screening(await registerUser(app)));
    const payload = paymentEvent('payment_intent.succeeded', paymentId, booking);
    const forged = Stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_forged' });
    const tampered = Stripe.webhooks.generateTestHeaderString({ payload: `${payload} `, secret });
    for (const signature of [undefined, 'nonsense', forged, tampered]) {
      const response = await webhook(payload, signature);
      expect(response.statusCode, String(signature)).toBe(400);
      expect(problemOf(response).code).toBe('invalid_signature');
    }
    const head = (await t.runtime.store.headPosition()) ?? '';
    expect(await statusOf(user, booking.id, head)).toBe('PENDING');
  });

  it('acknowledges events of other types and of unknown bookings without acting', async () => {
    const user = await registerUser(app);
    const { booking, paymentId } = await hold(user, await screening(await registerUser(app)));
    const other = paymentEvent('charge.succeeded', paymentId, booking);
    const unknown = paymentEvent('payment_intent.succeeded', paymentId, { ...booking, id: v7() });
    for (const payload of [other, unknown]) {
      const response = await webhook(
        payload,
        Stripe.webhooks.generateTestHeaderString({ payload, secret }),
      );
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ received: true });
    }
    const head = (await t.runtime.store.headPosition()) ?? '';
    expect(await statusOf(user, booking.id, head)).toBe('PENDING');
  });
});

describe('refunds', () => {
  async function paidBooking(host: TestUser, user: TestUser) {
    const screeningId = await screening(host);
    const { booking, paymentId } = await hold(user, screeningId);
    const paid = await checkout(paymentId, 'succeeded', user);
    expect(await statusOf(user, booking.id, at(paid))).toBe('CONFIRMED');
    return { booking, paymentId, screeningId };
  }

  async function expectRefunded(screeningId: string, paymentId: string, position: string) {
    await billingPassed(position);
    const refunds = (await streamEvents(screeningId)).filter((e) => e.type === 'PaymentRefunded');
    expect(refunds.map((e) => e.data)).toEqual([
      expect.objectContaining({
        paymentId,
        refundId: expect.stringMatching(/^sim_re_/),
        amount: { amount: 1500, currency: 'EUR' },
      }),
    ]);
    expect(await paymentStatus(paymentId)).toBe('refunded');
  }

  it('refunds a paid booking its owner cancels', async () => {
    const user = await registerUser(app);
    const { booking, paymentId, screeningId } = await paidBooking(await registerUser(app), user);
    const cancelled = await app.inject({
      method: 'POST',
      url: `/api/bookings/${booking.id}/cancel`,
      headers: user.auth,
    });
    expect(cancelled.statusCode).toBe(200);
    await expectRefunded(screeningId, paymentId, at(cancelled));
  });

  it('refunds the paid bookings of a screening its host cancels', async () => {
    const [host, user] = [await registerUser(app, 'Host'), await registerUser(app)];
    const { paymentId, screeningId } = await paidBooking(host, user);
    const cancelled = await app.inject({
      method: 'POST',
      url: `/api/screenings/${screeningId}/cancel`,
      headers: host.auth,
      payload: {},
    });
    expect(cancelled.statusCode).toBe(200);
    await expectRefunded(screeningId, paymentId, at(cancelled));
  });

  it('refunds a payment that arrives after the hold expired', async () => {
    const user = await registerUser(app);
    const screeningId = await screening(await registerUser(app));
    const { booking, paymentId } = await hold(user, screeningId);
    t.clock.set(new Date(Date.parse(booking.expiresAt) + 1_000));
    const metadata = { correlationId: `test-${v7()}` };
    await expireBooking(t.runtime.commands, { screeningId, bookingId: booking.id }, { metadata });
    const paid = await checkout(paymentId, 'succeeded', user);
    expect(paid.statusCode).toBe(200);
    expect(await statusOf(user, booking.id, at(paid))).toBe('EXPIRED');
    const types = (await streamEvents(screeningId)).map((e) => e.type);
    expect(types).toContain('LatePaymentRejected');
    await expectRefunded(screeningId, paymentId, at(paid));
  });
});

describe('a flaky billing service', () => {
  it('still opens exactly one payment per hold left to it: the reactor retries', async () => {
    // 0.3, not 0.5: the reactor backs off 100 ms × 2^attempt and the four holds share one
    // stream, so they are retried one after another; at 0.5 eight failures in a row on one hold
    // (≈ 1 run in 64) outlast the 25 s wait. At 0.3 that is ≈ 1 run in 4,000, and three runs in
    // four still see at least one failure retried.
    const flaky = await startTestApp({ SIMULATED_BILLING_FAILURE_RATE: '0.3' });
    try {
      const { app: api, runtime } = flaky;
      const host = await registerUser(api, 'Host');
      const { id: screeningId } = await createScreening(flaky, host, {
        amount: 900,
        seating: { capacity: 10 },
      });
      const user = await registerUser(api);
      const positions: string[] = [];
      for (let i = 0; i < 4; i++) {
        // respond-async: the hold leaves the payment to the billing reactor.
        const response = await api.inject({
          method: 'POST',
          url: '/api/bookings',
          headers: { ...user.auth, prefer: 'respond-async' },
          payload: { screeningId, quantity: 1 },
        });
        expect(response.statusCode).toBe(201);
        positions.push(at(response));
      }
      const last = positions.at(-1) ?? '';
      const waited = { timeoutMs: 25_000 };
      expect(
        await waitForPosition(runtime.db, runtime.store, [BILLING_REACTOR], last, waited),
      ).toBe(true);
      const streamId = runtime.commands.screenings.streamId(screeningId);
      const { events } = await runtime.store.read(streamId);
      expect(events.filter((e) => e.type === 'PaymentRequested')).toHaveLength(4);
      const rows = await runtime.db
        .selectFrom('simulated_payments')
        .select('id')
        .where('screening_id', '=', screeningId)
        .execute();
      expect(rows).toHaveLength(4);
    } finally {
      await flaky.close();
    }
  }, 60_000);
});

describe.skipIf(!databaseUrl)('a checkout the API dies in', () => {
  /** Polls until the payment's webhook is acknowledged; resolves where its effects are. */
  async function acknowledged(runtime: TestApp['runtime'], paymentId: string) {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const row = await runtime.db
        .selectFrom('billing_webhook_outbox')
        .select(['delivered_at', 'position'])
        .where('payment_id', '=', paymentId)
        .executeTakeFirst();
      if (row?.delivered_at) return row.position ?? '';
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the webhook of ${paymentId} was never acknowledged`);
  }

  it('keeps the paid payment: after a restart the webhook is delivered and a retry answers 200', async () => {
    // The process "dies" after the outcome commits: the webhook's delivery never returns.
    let delivering: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      delivering = resolve;
    });
    const dying = await startTestApp(
      {},
      {
        webhookDelivery: () => () => {
          delivering();
          return new Promise(() => undefined);
        },
      },
    );
    const { app: api } = dying;
    const [host, user] = [await registerUser(api, 'Host'), await registerUser(api)];
    const created = await createScreening(dying, host, {
      amount: 1500,
      seating: { capacity: 2 },
    });
    const held = await api.inject({
      method: 'POST',
      url: '/api/bookings',
      headers: user.auth,
      payload: { screeningId: created.id, quantity: 1 },
    });
    const booking = held.json<Booking>();
    const paymentId = booking.payment?.paymentId ?? '';
    const checkoutUrl = `/api/billing/checkout/${paymentId}`;
    const payload = { outcome: 'succeeded' };
    void api.inject({ method: 'POST', url: checkoutUrl, headers: user.auth, payload });
    await started;
    await dying.stop();

    const restarted = await startTestApp({}, { restartOf: dying });
    try {
      // Nobody retries: the outbox delivers what the dead process left, once its lease ran out.
      restarted.clock.advance(60_000);
      const position = await acknowledged(restarted.runtime, paymentId);
      const read = await restarted.app.inject({
        url: `/api/bookings/${booking.id}`,
        headers: { ...user.auth, 'x-min-position': position },
      });
      expect(read.json<Booking>().status).toBe('CONFIRMED');
      // The payer's retry is answered as the first checkout should have been.
      const retry = await restarted.app.inject({
        method: 'POST',
        url: checkoutUrl,
        headers: user.auth,
        payload,
      });
      expect(retry.statusCode).toBe(200);
      expect(retry.json()).toEqual({ paymentId, status: 'succeeded' });
      expect(retry.headers['x-position']).toBe(position);
      const other = await restarted.app.inject({
        method: 'POST',
        url: checkoutUrl,
        headers: user.auth,
        payload: { outcome: 'failed' },
      });
      expect(problemOf(other).code).toBe('payment_not_open');
      const confirmed = (
        await restarted.runtime.store.read(
          restarted.runtime.commands.screenings.streamId(booking.screeningId),
        )
      ).events.filter((e) => e.type === 'BookingConfirmed');
      expect(confirmed).toHaveLength(1);
    } finally {
      await restarted.close();
    }
  }, 60_000);
});
