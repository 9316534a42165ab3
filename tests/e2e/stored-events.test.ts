import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MalformedEventError } from '../../src/domain/event-schema.js';
import { placeDecider } from '../../src/domain/place/index.js';
import type { NewEvent, RecordedEvent } from '../../src/eventstore/event-store.js';
import { upcasters } from '../../src/eventstore/upcast.js';
import { waitForPosition } from '../../src/projections/engine/checkpoints.js';
import { READ_MODELS_PROJECTOR } from '../../src/projections/read-models.js';
import { registerUser, startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

const event = (type: string, data: Record<string, unknown>, schemaVersion = 1): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: { correlationId: randomUUID(), schemaVersion },
});

async function readAll(after: string | undefined, until: string): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  const controller = new AbortController();
  for await (const recorded of t.runtime.store.subscribeAll({
    ...(after ? { from: after } : {}),
    signal: controller.signal,
  })) {
    events.push(recorded);
    if (t.runtime.store.comparePositions(recorded.position, until) >= 0) controller.abort();
  }
  return events;
}

describe('the stored-event boundary', () => {
  it('reports a stored event that does not match its schema, and the app goes on', async () => {
    const placeId = randomUUID();
    // As another writer or a buggy release could have stored it: the name is not a string.
    const bad = event('PlaceCreated', {
      placeId,
      hostId: randomUUID(),
      name: 42,
      address: null,
      description: null,
      createdAt: new Date().toISOString(),
    });
    await t.runtime.store.append(`place-${placeId}`, [bad], { expectedRevision: 'no_stream' });

    // Reading it does not fail: the aggregate refuses it, naming the field.
    const { events } = await t.runtime.store.read(`place-${placeId}`);
    expect(() => placeDecider.isEvent(events[0]!)).toThrow(MalformedEventError);
    expect(() => placeDecider.isEvent(events[0]!)).toThrow(
      'stored PlaceCreated event does not match its schema: name: Invalid input: expected string, received number',
    );

    // The places projection is stuck on it loudly; commands and other places still work.
    const host = await registerUser(t.app);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/places',
      headers: host.auth,
      payload: { name: 'After the bad event' },
    });
    expect(created.statusCode).toBe(201);
    const { db, store } = t.runtime;
    const position = String(created.headers['x-position']);
    expect(await waitForPosition(db, store, [READ_MODELS_PROJECTOR], position)).toBe(true);
    const health = await t.app.inject({ url: '/health/ready' });
    expect(health.statusCode).toBe(503);
    const { projections } = health.json<{ checks: { projections: string } }>().checks;
    expect(projections).toContain(`places stuck at`);
    expect(projections).toContain(`PlaceCreated ${bad.id}`);
    expect(projections).toContain('does not match its schema: name:');
  });

  it('runs an upcaster registered for (type, v1) on every read, up to the current version', async () => {
    const type = 'TestRenamed';
    const unregister = upcasters.register({
      type,
      fromVersion: 1,
      upcast: ({ title, ...rest }) => ({ ...rest, name: title }),
    });
    try {
      expect(upcasters.versionOf(type)).toBe(2);
      const stream = `test-${randomUUID()}`;
      const head = await t.runtime.store.headPosition();
      const appended = await t.runtime.store.append(
        stream,
        [event(type, { title: 'old' }, 1), event(type, { name: 'new' }, 2)],
        { expectedRevision: 'no_stream' },
      );
      const expected = [
        { data: { name: 'old' }, metadata: expect.objectContaining({ schemaVersion: 2 }) },
        { data: { name: 'new' }, metadata: expect.objectContaining({ schemaVersion: 2 }) },
      ];
      expect((await t.runtime.store.read(stream)).events).toMatchObject(expected);
      const fed = (await readAll(head, appended.position)).filter((e) => e.streamId === stream);
      expect(fed).toMatchObject(expected);
    } finally {
      unregister();
    }
    expect(upcasters.versionOf(type)).toBe(1);
  });
});
