import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/eventstore/event-store.js';
import {
  ids,
  newEvent,
  newEvents,
  newStreamId,
  readFeedUntilNow,
  within,
} from '../support/event-store.js';
import type { StoreGetter } from './event-store-conformance.js';

/** The global feed (subscribeAll) and positions. */
export function describeFeedConformance(store: StoreGetter): void {
  describe('subscribeAll', () => {
    it('catches up in global order, then follows live events, then ends on abort', async () => {
      const from = await store().headPosition();
      const [a, b] = [newStreamId(), newStreamId()];
      const [first, second, third, live] = [newEvents(2), newEvents(1), newEvents(1), newEvent()];
      await store().append(a, first, { expectedRevision: 'no_stream' });
      await store().append(b, second, { expectedRevision: 'no_stream' });
      await store().append(a, third, { expectedRevision: 1n });
      const controller = new AbortController();
      const bound = setTimeout(() => controller.abort(), 15_000);
      const feed = store()
        .subscribeAll({ from, signal: controller.signal })
        [Symbol.asyncIterator]();
      const next = async (): Promise<RecordedEvent | undefined> => {
        for (let step = await feed.next(); !step.done; step = await feed.next()) {
          if (step.value.streamId === a || step.value.streamId === b) return step.value;
        }
        return undefined;
      };
      const caughtUp = [await next(), await next(), await next(), await next()];
      expect(caughtUp.map((event) => event?.id)).toEqual(ids([...first, ...second, ...third]));
      const delivered = next();
      await store().append(b, [live], { expectedRevision: 0n });
      expect((await delivered)?.id).toBe(live.id);
      const pending = feed.next();
      controller.abort();
      expect(await within(pending, 5_000)).toEqual({ done: true, value: undefined });
      clearTimeout(bound);
    });

    it('ends at once when the signal is already aborted', async () => {
      await store().append(newStreamId(), [newEvent()], { expectedRevision: 'no_stream' });
      const controller = new AbortController();
      controller.abort();
      const feed = store().subscribeAll({ signal: controller.signal })[Symbol.asyncIterator]();
      expect(await within(feed.next(), 5_000)).toEqual({ done: true, value: undefined });
    });

    it('resumes after any checkpoint (exclusive) with no duplicate and no gap', async () => {
      const from = await store().headPosition();
      const streams = [newStreamId(), newStreamId(), newStreamId()];
      const appended: string[] = [];
      for (let i = 0; i < 6; i++) {
        const event = newEvent('Tick', { i });
        await store().append(streams[i % 3]!, [event], { expectedRevision: 'any' });
        appended.push(event.id);
      }
      const all = await readFeedUntilNow(store(), from, new Set(streams));
      expect(ids(all)).toEqual(appended);
      for (const [k, checkpoint] of all.entries()) {
        const rest = await readFeedUntilNow(store(), checkpoint.position, new Set(streams));
        expect(ids(rest)).toEqual(appended.slice(k + 1));
      }
    });

    it('delivers the events of one append contiguously and in revision order', async () => {
      const from = await store().headPosition();
      const streams = Array.from({ length: 6 }, () => newStreamId());
      const batches = streams.map(() => newEvents(3));
      await Promise.all(
        streams.map((stream, i) =>
          store().append(stream, batches[i]!, { expectedRevision: 'no_stream' }),
        ),
      );
      const feed = await readFeedUntilNow(store(), from, new Set(streams));
      expect(feed).toHaveLength(18);
      for (const batch of batches) {
        const at = feed.findIndex((event) => event.id === batch[0]!.id);
        expect(ids(feed.slice(at, at + 3))).toEqual(ids(batch));
        expect(feed.slice(at, at + 3).map((event) => event.revision)).toEqual([0n, 1n, 2n]);
      }
    });
  });

  describe('positions', () => {
    it('headPosition and comparePositions agree with the feed and with append results', async () => {
      const store_ = store();
      const before = await store_.headPosition();
      const stream = newStreamId();
      const results = [];
      for (let i = 0; i < 4; i++) {
        results.push(await store_.append(stream, newEvents(2), { expectedRevision: 'any' }));
      }
      const last = results.at(-1)!;
      const head = await store_.headPosition();
      expect(head).toBeDefined();
      expect(store_.comparePositions(head!, last.position)).toBeGreaterThanOrEqual(0);
      if (before !== undefined) expect(store_.comparePositions(before, head!)).toBeLessThan(0);

      const read = (await store_.read(stream)).events;
      const feed = await readFeedUntilNow(store_, before, new Set([stream]));
      expect(feed.map((event) => event.position)).toEqual(read.map((event) => event.position));
      expect(
        read.filter((event) => event.revision % 2n === 1n).map((event) => event.position),
      ).toEqual(results.map((result) => result.position));
      for (const [i, event] of feed.entries()) {
        expect(store_.comparePositions(event.position, event.position)).toBe(0);
        const previous = feed[i - 1];
        if (previous === undefined) continue;
        expect(store_.comparePositions(previous.position, event.position)).toBeLessThan(0);
        expect(store_.comparePositions(event.position, previous.position)).toBeGreaterThan(0);
      }
    });
  });
}
