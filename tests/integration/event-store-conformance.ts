import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/eventstore/event-store.js';
import {
  expectWrongRevision,
  ids,
  newEvent,
  newEvents,
  newStreamId,
} from '../support/event-store.js';
import { describeAppendManyConformance } from './event-store-conformance-append-many.js';
import { describeConcurrencyConformance } from './event-store-conformance-concurrency.js';
import { describeFeedConformance } from './event-store-conformance-feed.js';

/** A store for one test and how to dispose of it. */
export interface EventStoreFixture {
  readonly store: EventStore;
  cleanup(): Promise<void>;
}

/** Gives the current test's store. */
export type StoreGetter = () => EventStore;

/**
 * Registers the conformance suite every EventStore adapter must pass. Without a factory
 * (adapter unavailable) every test is registered as skipped, so the run reports it.
 */
export function describeEventStoreConformance(
  name: string,
  factory: (() => Promise<EventStoreFixture>) | undefined,
  skipReason?: string,
): void {
  const title = `${name} conformance`;
  if (factory === undefined) {
    describe.skip(`${title} (skipped: ${skipReason ?? 'adapter unavailable'})`, () =>
      registerAll(() => {
        throw new TypeError('skipped suite has no store');
      }));
    return;
  }
  describe(title, () => {
    let fixture: EventStoreFixture | undefined;
    beforeEach(async () => {
      fixture = await factory();
    });
    afterEach(async () => {
      await fixture?.cleanup();
      fixture = undefined;
    });
    registerAll(() => {
      if (fixture === undefined) throw new TypeError('no store: beforeEach did not run');
      return fixture.store;
    });
  });
}

function registerAll(store: StoreGetter): void {
  describeAppendConformance(store);
  describeReadConformance(store);
  describeConcurrencyConformance(store);
  describeAppendManyConformance(store);
  describeFeedConformance(store);
}

function describeAppendConformance(store: StoreGetter): void {
  describe('append', () => {
    it('creates a stream with no_stream; revisions are 0-based', async () => {
      const stream = newStreamId();
      const result = await store().append(stream, newEvents(2), { expectedRevision: 'no_stream' });
      expect(result.nextRevision).toBe(1n);
      const read = await store().read(stream);
      expect(read.events.map((event) => event.revision)).toEqual([0n, 1n]);
      expect(read.revision).toBe(1n);
      expect(typeof result.position).toBe('string');
      expect(result.position).toBe(read.events[1]?.position);
    });

    it('refuses no_stream on an existing stream', async () => {
      const stream = newStreamId();
      await store().append(stream, newEvents(2), { expectedRevision: 'no_stream' });
      const refused = store().append(stream, [newEvent()], { expectedRevision: 'no_stream' });
      await expectWrongRevision(refused, stream, 'no_stream', 1n);
      expect((await store().read(stream)).events).toHaveLength(2);
    });

    it('appends at the exact expected revision and refuses any other', async () => {
      const stream = newStreamId();
      await store().append(stream, newEvents(2), { expectedRevision: 'no_stream' });
      await expectWrongRevision(
        store().append(stream, [newEvent()], { expectedRevision: 0n }),
        stream,
        0n,
        1n,
      );
      await expectWrongRevision(
        store().append(stream, [newEvent()], { expectedRevision: 2n }),
        stream,
        2n,
        1n,
      );
      const result = await store().append(stream, newEvents(3), { expectedRevision: 1n });
      expect(result.nextRevision).toBe(4n);
      expect((await store().read(stream)).revision).toBe(4n);
    });

    it('refuses an exact revision on a missing stream', async () => {
      const stream = newStreamId();
      const refused = store().append(stream, [newEvent()], { expectedRevision: 0n });
      await expectWrongRevision(refused, stream, 0n, null);
      expect(await store().read(stream)).toEqual({ events: [], revision: null });
    });

    it('stream_exists refuses a missing stream and appends to an existing one', async () => {
      const stream = newStreamId();
      const refused = store().append(stream, [newEvent()], { expectedRevision: 'stream_exists' });
      await expectWrongRevision(refused, stream, 'stream_exists', null);
      await store().append(stream, [newEvent()], { expectedRevision: 'no_stream' });
      const result = await store().append(stream, newEvents(2), {
        expectedRevision: 'stream_exists',
      });
      expect(result.nextRevision).toBe(2n);
    });

    it('any creates a missing stream and appends to an existing one', async () => {
      const stream = newStreamId();
      expect(
        (await store().append(stream, [newEvent()], { expectedRevision: 'any' })).nextRevision,
      ).toBe(0n);
      expect(
        (await store().append(stream, newEvents(2), { expectedRevision: 'any' })).nextRevision,
      ).toBe(2n);
      expect((await store().read(stream)).events.map((event) => event.revision)).toEqual([
        0n,
        1n,
        2n,
      ]);
    });

    it('an empty append only checks the expected revision', async () => {
      const stream = newStreamId();
      const missing = await store().append(stream, [], { expectedRevision: 'no_stream' });
      expect(missing.nextRevision).toBe(-1n);
      expect((await store().read(stream)).revision).toBeNull();
      await expectWrongRevision(
        store().append(stream, [], { expectedRevision: 'stream_exists' }),
        stream,
        'stream_exists',
        null,
      );
      await store().append(stream, newEvents(2), { expectedRevision: 'no_stream' });
      expect((await store().append(stream, [], { expectedRevision: 1n })).nextRevision).toBe(1n);
      await expectWrongRevision(
        store().append(stream, [], { expectedRevision: 0n }),
        stream,
        0n,
        1n,
      );
      expect((await store().read(stream)).events).toHaveLength(2);
    });
  });
}

function describeReadConformance(store: StoreGetter): void {
  describe('read', () => {
    it('returns the events in order with data and metadata round-tripped', async () => {
      const stream = newStreamId();
      const full = newEvent(
        'BookingRequested',
        { seats: [{ row: 'A', seat: 3 }], price: 12.5, free: false, note: 'é 🎬', none: null },
        { causationId: 'cmd-1', userId: 'user-1', schemaVersion: 2 },
      );
      const minimal = newEvent('HoldExpired', { bookingId: 'b-1' });
      await store().append(stream, [full, minimal], { expectedRevision: 'no_stream' });
      const { events, revision } = await store().read(stream);
      expect(revision).toBe(1n);
      expect(events.map(({ id, type, data, metadata }) => ({ id, type, data, metadata }))).toEqual([
        full,
        minimal,
      ]);
      for (const event of events) {
        expect(event.streamId).toBe(stream);
        expect(event.createdAt).toBeInstanceOf(Date);
        expect(Number.isNaN(event.createdAt.getTime())).toBe(false);
      }
    });

    it('reads from a revision on', async () => {
      const stream = newStreamId();
      const appended = newEvents(5);
      await store().append(stream, appended, { expectedRevision: 'no_stream' });
      const { events, revision } = await store().read(stream, { from: 3n });
      expect(ids(events)).toEqual(ids(appended.slice(3)));
      expect(events.map((event) => event.revision)).toEqual([3n, 4n]);
      expect(revision).toBe(4n);
      expect(await store().read(stream, { from: 5n })).toEqual({ events: [], revision: 4n });
    });

    it('reads a missing stream as no events and a null revision', async () => {
      expect(await store().read(newStreamId())).toEqual({ events: [], revision: null });
    });
  });
}
