import { describe, expect, it } from 'vitest';
import { WrongExpectedRevision } from '../../src/eventstore/errors.js';
import type { AppendResult, ExpectedRevision } from '../../src/eventstore/event-store.js';
import {
  expectWrongRevision,
  ids,
  newEvent,
  newEvents,
  newStreamId,
} from '../support/event-store.js';
import type { StoreGetter } from './event-store-conformance.js';

const fulfilled = (results: PromiseSettledResult<AppendResult>[]) =>
  results.filter((result) => result.status === 'fulfilled');
const rejected = (results: PromiseSettledResult<AppendResult>[]) =>
  results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));

/** Idempotent retries and concurrent writers. */
export function describeConcurrencyConformance(store: StoreGetter): void {
  describe('idempotent retries', () => {
    it('re-appending the same events returns the original result whatever the expectation', async () => {
      const stream = newStreamId();
      const batch = newEvents(2);
      const original = await store().append(stream, batch, { expectedRevision: 'no_stream' });
      const later = newEvent();
      const laterResult = await store().append(stream, [later], { expectedRevision: 1n });
      const expectations: ExpectedRevision[] = ['no_stream', 'any', 'stream_exists', 0n, 7n];
      for (const expectedRevision of expectations) {
        expect(await store().append(stream, batch, { expectedRevision })).toEqual(original);
      }
      expect(await store().append(stream, [later], { expectedRevision: 0n })).toEqual(laterResult);
      const read = await store().read(stream);
      expect(read.revision).toBe(2n);
      expect(ids(read.events)).toEqual(ids([...batch, later]));
    });

    it('refuses a partial overlap and writes none of it', async () => {
      const stream = newStreamId();
      const [a, b] = [newEvent(), newEvent()];
      await store().append(stream, [a, b], { expectedRevision: 'no_stream' });
      const fresh = newEvent();
      await expectWrongRevision(
        store().append(stream, [b, fresh], { expectedRevision: 1n }),
        stream,
        1n,
        1n,
      );
      await expectWrongRevision(
        store().append(stream, [b, fresh], { expectedRevision: 'any' }),
        stream,
        'any',
        1n,
      );
      await expectWrongRevision(
        store().append(stream, [b, a], { expectedRevision: 'any' }),
        stream,
        'any',
        1n,
      );
      expect(ids((await store().read(stream)).events)).toEqual(ids([a, b]));
    });

    it('concurrent retries of one batch all get the original result', async () => {
      const stream = newStreamId();
      const batch = newEvents(2);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store().append(stream, batch, { expectedRevision: i % 2 === 0 ? 'any' : 'no_stream' }),
        ),
      );
      const first = results[0]!;
      expect(first.nextRevision).toBe(1n);
      for (const result of results) expect(result).toEqual(first);
      expect(ids((await store().read(stream)).events)).toEqual(ids(batch));
    });
  });

  describe('concurrent writers', () => {
    it('exactly one of 20 appends at the same revision wins', async () => {
      const stream = newStreamId();
      await store().append(stream, [newEvent()], { expectedRevision: 'no_stream' });
      const attempts = Array.from({ length: 20 }, () => newEvents(2));
      const results = await Promise.allSettled(
        attempts.map((batch) => store().append(stream, batch, { expectedRevision: 0n })),
      );
      expect(fulfilled(results)).toHaveLength(1);
      const errors = rejected(results);
      expect(errors).toHaveLength(19);
      for (const error of errors) expect(error).toBeInstanceOf(WrongExpectedRevision);
      const winner = attempts[results.findIndex((result) => result.status === 'fulfilled')]!;
      const read = await store().read(stream);
      expect(read.revision).toBe(2n);
      expect(ids(read.events.slice(1))).toEqual(ids(winner));
    });

    it('exactly one of 20 no_stream appends creates the stream', async () => {
      const stream = newStreamId();
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () =>
          store().append(stream, [newEvent()], { expectedRevision: 'no_stream' }),
        ),
      );
      expect(fulfilled(results)).toHaveLength(1);
      for (const error of rejected(results)) expect(error).toBeInstanceOf(WrongExpectedRevision);
      expect((await store().read(stream)).revision).toBe(0n);
    });

    it('concurrent appends with any all land, each batch contiguous', async () => {
      const stream = newStreamId();
      const batches = Array.from({ length: 10 }, () => [newEvent(), newEvent()] as const);
      await Promise.all(
        batches.map((batch) => store().append(stream, batch, { expectedRevision: 'any' })),
      );
      const read = await store().read(stream);
      expect(read.revision).toBe(19n);
      expect(read.events.map((event) => event.revision)).toEqual(
        Array.from({ length: 20 }, (_, i) => BigInt(i)),
      );
      for (const [a, b] of batches) {
        const at = read.events.findIndex((event) => event.id === a.id);
        expect(read.events[at + 1]?.id).toBe(b.id);
      }
    });
  });
}
