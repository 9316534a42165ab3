import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { expect } from 'vitest';
import { WrongExpectedRevision } from '../../src/eventstore/errors.js';
import type {
  EventMetadata,
  EventStore,
  ExpectedRevision,
  NewEvent,
  RecordedEvent,
} from '../../src/eventstore/event-store.js';

/** A random stream id of the given category, so tests never share a stream. */
export const newStreamId = (category = 'screening'): string => `${category}-${randomUUID()}`;

/** A new event with a random id and minimal metadata unless given. */
export function newEvent(
  type = 'SeatsHeld',
  data: Record<string, unknown> = {},
  metadata: Partial<EventMetadata> = {},
): NewEvent {
  return {
    id: randomUUID(),
    type,
    data,
    metadata: { correlationId: randomUUID(), schemaVersion: 1, ...metadata },
  };
}

/** `count` new events numbered in their data. */
export const newEvents = (count: number, type = 'Tick'): NewEvent[] =>
  Array.from({ length: count }, (_, i) => newEvent(type, { i }));

/** Asserts that the promise rejects with WrongExpectedRevision carrying these details. */
export async function expectWrongRevision(
  promise: Promise<unknown>,
  streamId: string,
  expected: ExpectedRevision,
  actual: bigint | null,
): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(WrongExpectedRevision);
  expect(error).toMatchObject({ streamId, expected, actual });
}

/** Resolves to 'timeout' if the promise takes longer than `ms`: a bound, not a wait for data. */
export function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Polls `condition` every 20 ms until it holds or `timeoutMs` passes; returns whether it held. */
export async function eventually(condition: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await delay(20);
  }
  return true;
}

/**
 * The events of `streams` in the global feed after `from`, up to now: appends a sentinel event
 * and reads until it arrives (at most `timeoutMs`), so duplicates cannot hide behind a sleep.
 */
export async function readFeedUntilNow(
  store: EventStore,
  from: string | undefined,
  streams: ReadonlySet<string>,
  timeoutMs = 15_000,
): Promise<RecordedEvent[]> {
  const sentinel = newEvent('Sentinel');
  await store.append(newStreamId('sentinel'), [sentinel], { expectedRevision: 'no_stream' });
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const seen: RecordedEvent[] = [];
  let complete = false;
  try {
    for await (const event of store.subscribeAll({ from, signal: controller.signal })) {
      if (event.id === sentinel.id) {
        complete = true;
        break;
      }
      if (streams.has(event.streamId)) seen.push(event);
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  expect(complete, 'the feed delivered the sentinel in time').toBe(true);
  return seen;
}

/** The ids of events, for order assertions. */
export const ids = (events: readonly { readonly id: string }[]): string[] =>
  events.map((event) => event.id);
