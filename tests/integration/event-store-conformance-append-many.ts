import { describe, expect, it } from 'vitest';
import { WrongExpectedRevision } from '../../src/eventstore/errors.js';
import type { StreamAppendOutcome } from '../../src/eventstore/event-store.js';
import { ids, newEvent, newEvents, newStreamId } from '../support/event-store.js';
import type { StoreGetter } from './event-store-conformance.js';

const results = (outcomes: readonly StreamAppendOutcome[]) =>
  outcomes.map((o) => (o.ok ? o.result : undefined));
const errors = (outcomes: readonly StreamAppendOutcome[]) =>
  outcomes.map((o) => (o.ok ? undefined : o.error));

/** Multi-stream appends: each stream as if appended alone, with its own outcome. */
export function describeAppendManyConformance(store: StoreGetter): void {
  describe('appendMany', () => {
    it('appends to each stream at its own expected revision, outcomes in order', async () => {
      const [a, b, c] = [newStreamId(), newStreamId(), newStreamId()];
      await store().append(a, newEvents(1), { expectedRevision: 'no_stream' });
      await store().append(b, newEvents(3), { expectedRevision: 'no_stream' });
      await store().append(c, newEvents(2), { expectedRevision: 'no_stream' });
      const [ea, eb, ec] = [newEvents(2), newEvents(1), newEvents(3)];
      const outcomes = await store().appendMany([
        { streamId: a, events: ea, expectedRevision: 0n },
        { streamId: b, events: eb, expectedRevision: 2n },
        { streamId: c, events: ec, expectedRevision: 1n },
      ]);
      expect(outcomes.map((o) => o.ok)).toEqual([true, true, true]);
      expect(results(outcomes).map((r) => r?.nextRevision)).toEqual([2n, 3n, 4n]);
      for (const [stream, events, from] of [
        [a, ea, 1n],
        [b, eb, 3n],
        [c, ec, 2n],
      ] as const) {
        const read = await store().read(stream, { from });
        expect(ids(read.events)).toEqual(ids(events));
        expect(read.events.map((e) => e.revision)).toEqual(events.map((_, i) => from + BigInt(i)));
        expect(read.events.at(-1)?.position).toBe(
          results(outcomes)[[a, b, c].indexOf(stream)]?.position,
        );
      }
    });

    it('a conflict fails only its own stream and writes none of it', async () => {
      const [a, b, c] = [newStreamId(), newStreamId(), newStreamId()];
      for (const s of [a, b, c])
        await store().append(s, newEvents(2), { expectedRevision: 'no_stream' });
      const outcomes = await store().appendMany([
        { streamId: a, events: newEvents(1), expectedRevision: 1n },
        { streamId: b, events: newEvents(1), expectedRevision: 0n },
        { streamId: c, events: newEvents(1), expectedRevision: 1n },
      ]);
      expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
      expect(errors(outcomes)[1]).toBeInstanceOf(WrongExpectedRevision);
      expect(errors(outcomes)[1]).toMatchObject({ streamId: b, expected: 0n, actual: 1n });
      expect((await store().read(b)).revision).toBe(1n);
      expect((await store().read(a)).revision).toBe(2n);
      expect((await store().read(c)).revision).toBe(2n);
    });

    it('takes every kind of expectation, a missing stream and an empty append', async () => {
      const [fresh, any, exists, exact, missing, empty] = Array.from({ length: 6 }, () =>
        newStreamId(),
      ) as [string, string, string, string, string, string];
      for (const s of [exists, exact, empty]) {
        await store().append(s, newEvents(1), { expectedRevision: 'no_stream' });
      }
      const outcomes = await store().appendMany([
        { streamId: fresh, events: newEvents(2), expectedRevision: 'no_stream' },
        { streamId: any, events: newEvents(1), expectedRevision: 'any' },
        { streamId: exists, events: newEvents(1), expectedRevision: 'stream_exists' },
        { streamId: exact, events: newEvents(1), expectedRevision: 0n },
        { streamId: missing, events: newEvents(1), expectedRevision: 3n },
        { streamId: empty, events: [], expectedRevision: 0n },
      ]);
      expect(results(outcomes).map((r) => r?.nextRevision)).toEqual([
        1n,
        0n,
        1n,
        1n,
        undefined,
        0n,
      ]);
      expect(errors(outcomes)[4]).toMatchObject({ streamId: missing, expected: 3n, actual: null });
      expect((await store().read(missing)).revision).toBeNull();
    });

    it('a retried group returns the original results and writes nothing twice', async () => {
      const [a, b] = [newStreamId(), newStreamId()];
      await store().append(a, newEvents(1), { expectedRevision: 'no_stream' });
      await store().append(b, newEvents(1), { expectedRevision: 'no_stream' });
      const group = [
        { streamId: a, events: newEvents(2), expectedRevision: 0n },
        { streamId: b, events: [newEvent()], expectedRevision: 0n },
      ];
      const first = await store().appendMany(group);
      const again = await store().appendMany(group);
      expect(results(again)).toEqual(results(first));
      expect((await store().read(a)).revision).toBe(2n);
      expect((await store().read(b)).revision).toBe(1n);
    });

    it('concurrent groups over the same streams: one writer wins each stream', async () => {
      const streams = Array.from({ length: 5 }, () => newStreamId());
      for (const s of streams)
        await store().append(s, newEvents(1), { expectedRevision: 'no_stream' });
      // Opposite orders: the store must neither deadlock nor let both win a stream.
      const groupOf = (order: readonly string[]) =>
        store().appendMany(
          order.map((streamId) => ({ streamId, events: [newEvent()], expectedRevision: 0n })),
        );
      const [x, y] = await Promise.all([groupOf(streams), groupOf(streams.toReversed())]);
      const won = streams.map((_, i) => [x[i]!.ok, y[streams.length - 1 - i]!.ok]);
      for (const pair of won) expect(pair.filter(Boolean)).toHaveLength(1);
      for (const s of streams) expect((await store().read(s)).revision).toBe(1n);
    });

    it('refuses a stream named twice', async () => {
      const a = newStreamId();
      await expect(
        store().appendMany([
          { streamId: a, events: newEvents(1), expectedRevision: 'no_stream' },
          { streamId: a, events: newEvents(1), expectedRevision: 0n },
        ]),
      ).rejects.toThrow(/twice/);
    });
  });
}
