import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForPosition } from '../../src/projections/engine/checkpoints.js';
import { BILLING_REACTOR } from '../../src/projections/reactors/billing-reactor.js';
import { READ_MODELS_PROJECTOR } from '../../src/projections/read-models.js';
import { registerUser, startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

/**
 * An event the screenings read model cannot store, appended straight to the store as an old
 * release (before the domain bounds) or another writer could have: its end is in year 10000.
 */
async function appendPoison() {
  const screeningId = randomUUID();
  const event = {
    id: randomUUID(),
    type: 'ScreeningScheduled',
    data: {
      screeningId,
      placeId: randomUUID(),
      hostId: randomUUID(),
      filmId: randomUUID(),
      startsAt: '9999-12-31T23:00:00.000Z',
      endsAt: '+010000-01-01T09:00:00.000Z',
      price: { amount: 100, currency: 'EUR' },
      seating: { kind: 'general', capacity: 10 },
      scheduledAt: new Date().toISOString(),
    },
    metadata: { correlationId: randomUUID(), schemaVersion: 1 },
  };
  await t.runtime.store.append(`screening-${screeningId}`, [event], {
    expectedRevision: 'no_stream',
  });
  return event;
}

describe('a projection that cannot apply an event', () => {
  it('is stuck loudly on it, and the other projections and the reactors go on', async () => {
    const poison = await appendPoison();
    const host = await registerUser(t.app);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/places',
      headers: host.auth,
      payload: { name: 'After the poison' },
    });
    expect(created.statusCode).toBe(201);
    const position = String(created.headers['x-position']);

    // Places is applied past the poison: the place is visible, X-Min-Position does not time out.
    const read = await t.app.inject({
      url: `/api/places/${created.json<{ id: string }>().id}`,
      headers: { 'x-min-position': position },
    });
    expect(read.statusCode).toBe(200);
    const { db, store } = t.runtime;
    expect(
      await waitForPosition(db, store, [READ_MODELS_PROJECTOR, BILLING_REACTOR], position),
    ).toBe(true);

    // Loudly: not ready, naming the projection, the event and the error...
    const health = await t.app.inject({ url: '/health/ready' });
    expect(health.statusCode).toBe(503);
    const checks = health.json<{ checks: Record<string, string> }>().checks;
    expect(checks.projections).toContain('screenings stuck at');
    expect(checks.projections).toContain(`ScreeningScheduled ${poison.id}`);
    expect(checks.readModels).toBe('ok');
    // ...and a metric per stuck projection.
    const metrics = (await t.app.inject({ url: '/metrics' })).body;
    expect(metrics).toContain(
      `cowatch_projection_stuck{projector="${READ_MODELS_PROJECTOR}",projection="screenings"} 1`,
    );
    expect(metrics).not.toContain('projection="places"} 1');
  });
});
