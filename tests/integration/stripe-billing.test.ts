import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StripeBilling, stripeClient } from '../../src/billing/stripe-billing.js';
import { waitForPosition } from '../../src/projections/engine/checkpoints.js';
import { BILLING_REACTOR } from '../../src/projections/reactors/billing-reactor.js';
import { registerUser, startTestApp, type TestApp } from '../support/app.js';
import { createScreening } from '../support/screenings.js';

interface Recorded {
  readonly path: string;
  readonly idempotencyKey: string | undefined;
  readonly authorization: string | undefined;
  readonly form: Record<string, string>;
}

/** A local stand-in for api.stripe.com: PaymentIntents and refunds, replayed by idempotency key. */
class FakeStripe {
  readonly requests: Recorded[] = [];
  readonly #replies = new Map<string, string>();
  readonly #intents = new Map<string, string>();
  readonly #server: Server = createServer((request, response) => {
    void this.#answer(request).then(([status, body]) => {
      response.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_fake' });
      response.end(body);
    });
  });
  #count = 0;

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  async #answer(request: IncomingMessage): Promise<[number, string]> {
    let raw = '';
    for await (const chunk of request) raw += String(chunk);
    const form = Object.fromEntries(new URLSearchParams(raw));
    const key = request.headers['idempotency-key']?.toString();
    const path = request.url ?? '';
    this.requests.push({
      path,
      idempotencyKey: key,
      authorization: request.headers.authorization,
      form,
    });
    if (request.method === 'GET') {
      const intent = this.#intents.get(path.replace(/^\/v1\/payment_intents\//, ''));
      return intent
        ? [200, intent]
        : [404, JSON.stringify({ error: { type: 'invalid_request_error' } })];
    }
    const replay = key === undefined ? undefined : this.#replies.get(`${path} ${key}`);
    if (replay) return [200, replay];
    const body = this.#create(path, form);
    if (body === undefined)
      return [404, JSON.stringify({ error: { type: 'invalid_request_error' } })];
    if (key !== undefined) this.#replies.set(`${path} ${key}`, body);
    return [200, body];
  }

  #create(path: string, form: Record<string, string>): string | undefined {
    this.#count += 1;
    if (request(path, '/v1/payment_intents')) {
      const id = `pi_fake${this.#count}`;
      const intent = JSON.stringify({
        id,
        object: 'payment_intent',
        amount: Number(form.amount),
        currency: form.currency,
        client_secret: `${id}_secret_fake`,
        status: 'requires_payment_method',
        metadata: {
          bookingId: form['metadata[bookingId]'],
          screeningId: form['metadata[screeningId]'],
          userId: form['metadata[userId]'],
        },
      });
      this.#intents.set(id, intent);
      return intent;
    }
    if (request(path, '/v1/refunds')) {
      return JSON.stringify({
        id: `re_fake${this.#count}`,
        object: 'refund',
        amount: Number(form.amount),
        payment_intent: form.payment_intent,
        status: 'succeeded',
      });
    }
    return undefined;
  }
}

function request(path: string, route: string): boolean {
  return path === route || path.startsWith(`${route}?`);
}

const fake = new FakeStripe();
let apiBase: string;

beforeAll(async () => {
  apiBase = await fake.listen();
});
afterAll(() => fake.close());

describe('StripeBilling against a local Stripe', () => {
  const billing = () => new StripeBilling(stripeClient('sk_test_fake', apiBase));
  const input = {
    bookingId: '01a2050c-3b3c-755d-8a5a-e2165c2599d4',
    screeningId: '01a2050c-3b16-73d4-8c96-2dfb7104094a',
    userId: '01a2050c-3b16-73d4-8c96-2dfb71040000',
    amount: { amount: 2400, currency: 'EUR' },
  };

  it('creates a PaymentIntent with the amount, currency, metadata and idempotency key', async () => {
    const payment = await billing().createPayment(input);
    expect(payment).toEqual({
      provider: 'stripe',
      paymentId: expect.stringMatching(/^pi_fake\d+$/),
      checkoutUrl: null,
      clientSecret: `${payment.paymentId}_secret_fake`,
    });
    expect(fake.requests.at(-1)).toEqual({
      path: '/v1/payment_intents',
      idempotencyKey: `booking-payment-${input.bookingId}`,
      authorization: 'Bearer sk_test_fake',
      form: {
        amount: '2400',
        currency: 'eur',
        'metadata[bookingId]': input.bookingId,
        'metadata[screeningId]': input.screeningId,
        'metadata[userId]': input.userId,
        'automatic_payment_methods[enabled]': 'true',
      },
    });
    const again = await billing().createPayment(input);
    expect(again.paymentId).toBe(payment.paymentId);
    expect(await billing().clientSecret(payment.paymentId)).toBe(payment.clientSecret);
  });

  it('refunds the PaymentIntent with the amount and idempotency key', async () => {
    const amount = { amount: 2400, currency: 'EUR' };
    const refund = await billing().refund({ paymentId: 'pi_x', amount, idempotencyKey: 'r-1' });
    expect(refund.refundId).toMatch(/^re_fake\d+$/);
    expect(fake.requests.at(-1)).toMatchObject({
      path: '/v1/refunds',
      idempotencyKey: 'r-1',
      form: { payment_intent: 'pi_x', amount: '2400' },
    });
  });
});

describe('BILLING=stripe end to end', () => {
  const webhookSecret = 'whsec_test_stripe_e2e';
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      BILLING: 'stripe',
      STRIPE_SECRET_KEY: 'sk_test_fake',
      STRIPE_WEBHOOK_SECRET: webhookSecret,
      STRIPE_API_BASE: apiBase,
    });
  });
  afterAll(() => t?.close());

  it('opens a PaymentIntent per hold and confirms on a signed payment_intent.succeeded', async () => {
    const { app } = t;
    const [host, user] = [await registerUser(app, 'Host'), await registerUser(app)];
    const { id: screeningId } = await createScreening(t, host, {
      amount: 1100,
      seating: { capacity: 3 },
    });
    const held = await app.inject({
      method: 'POST',
      url: '/api/bookings',
      headers: user.auth,
      payload: { screeningId, quantity: 2 },
    });
    expect(held.statusCode).toBe(201);
    const booking = held.json<{ id: string; payment: Record<string, string> }>();
    const paymentId = booking.payment.paymentId ?? '';
    // The 201 itself carries what the payer needs: no waiting, no polling.
    expect(booking.payment).toEqual({
      provider: 'stripe',
      paymentId: expect.stringMatching(/^pi_fake/),
      clientSecret: `${paymentId}_secret_fake`,
    });
    expect(fake.requests.at(-1)?.form).toMatchObject({ amount: '2200', currency: 'eur' });
    const heldAt = String(held.headers['x-position']);
    const readAs = (who: { auth: { authorization: string } }, url: string, position: string) =>
      app.inject({ url, headers: { ...who.auth, 'x-min-position': position } });

    // The owner gets the secret again, from Stripe; the host never does.
    const owned = await readAs(user, `/api/bookings/${booking.id}`, heldAt);
    expect(owned.json()).toMatchObject({ status: 'PENDING', payment: booking.payment });
    const reference = { provider: 'stripe', paymentId };
    const hosted = await readAs(host, `/api/screenings/${screeningId}/bookings`, heldAt);
    expect(hosted.json<{ items: { payment: unknown }[] }>().items.map((b) => b.payment)).toEqual([
      reference,
    ]);
    const hostRead = await readAs(host, `/api/bookings/${booking.id}`, heldAt);
    expect(hostRead.json()).toMatchObject({ payment: reference });
    // Neither the log nor the read model holds it.
    const streamId = t.runtime.commands.screenings.streamId(screeningId);
    const { events } = await t.runtime.store.read(streamId);
    expect(events.map((e) => e.type)).toEqual([
      'ScreeningScheduled',
      'SeatsHeld',
      'PaymentRequested',
    ]);
    expect(JSON.stringify(events.map((e) => e.data))).not.toContain('secret');
    const rows = await t.runtime.db.selectFrom('bookings').select('payment').execute();
    expect(JSON.stringify(rows)).not.toContain('secret');
    // The billing reactor, the safety net, finds the payment open and calls Stripe no more.
    const { db, store } = t.runtime;
    expect(await waitForPosition(db, store, [BILLING_REACTOR], heldAt)).toBe(true);
    const opened = fake.requests.filter(
      (r) => r.path === '/v1/payment_intents' && r.form['metadata[bookingId]'] === booking.id,
    );
    expect(opened.map((r) => r.idempotencyKey)).toEqual([`booking-payment-${booking.id}`]);

    const payload = JSON.stringify({
      id: 'evt_stripe_1',
      object: 'event',
      type: 'payment_intent.succeeded',
      data: {
        object: {
          id: paymentId,
          object: 'payment_intent',
          amount: 2200,
          currency: 'eur',
          metadata: { bookingId: booking.id, screeningId },
        },
      },
      created: Math.floor(Date.now() / 1000),
    });
    const deliver = (secret: string) =>
      app.inject({
        method: 'POST',
        url: '/api/webhooks/stripe',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret }),
        },
        payload,
      });
    expect((await deliver('whsec_someone_else')).statusCode).toBe(400);
    const delivered = await deliver(webhookSecret);
    expect(delivered.statusCode).toBe(200);
    expect(delivered.json()).toEqual({ received: true });
    const read = await app.inject({
      url: `/api/bookings/${booking.id}`,
      headers: { ...user.auth, 'x-min-position': String(delivered.headers['x-position']) },
    });
    // Paid: nothing left to confirm with, so no secret is fetched any more.
    expect(read.json()).toMatchObject({ status: 'CONFIRMED', payment: reference });

    const cancelled = await app.inject({
      method: 'POST',
      url: `/api/bookings/${booking.id}/cancel`,
      headers: user.auth,
    });
    expect(cancelled.statusCode).toBe(200);
    const position = String(cancelled.headers['x-position']);
    expect(await waitForPosition(db, store, [BILLING_REACTOR], position)).toBe(true);
    expect(fake.requests.at(-1)).toMatchObject({
      path: '/v1/refunds',
      form: { payment_intent: paymentId, amount: '2200' },
    });
  });
});
