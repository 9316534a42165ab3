import type { RecordedEvent as EsdbRecordedEvent } from '@eventstore/db-client';
import { AccessDeniedError, UnavailableError } from '@eventstore/db-client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  cannotHeal,
  compareEsdbPositions,
  formatPosition,
  fromStoredMetadata,
  matchesExpected,
  parsePosition,
  START_POSITION,
  toActualRevision,
  toEsdbExpectedRevision,
  toEventData,
  toRecordedEvent,
  toStoredMetadata,
} from '../../src/eventstore/eventstoredb/eventstoredb-mapping.js';
import { matchBatch } from '../../src/eventstore/eventstoredb/eventstoredb-stream-reads.js';

const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 2n });
const position = fc.record({ commit: u64, prepare: u64 });

describe('EventStoreDB positions', () => {
  it('encodes commit and prepare, zero-padded', () => {
    expect(formatPosition({ commit: 1234n, prepare: 1200n })).toBe(
      '00000000000000001234-00000000000000001200',
    );
  });

  it('round-trips any position', () => {
    fc.assert(
      fc.property(position, (p) => {
        expect(parsePosition(formatPosition(p))).toEqual(p);
      }),
    );
  });

  it('accepts unpadded positions; the log starts before any event', () => {
    expect(parsePosition('42-7')).toEqual({ commit: 42n, prepare: 7n });
    expect(compareEsdbPositions(parsePosition(START_POSITION), { commit: 0n, prepare: 1n })).toBe(
      -1,
    );
  });

  it.each(['', '12', '-1-2', '1-', 'a-b', '1-2-3', '1 - 2', `${'9'.repeat(21)}-0`])(
    'rejects %j',
    (text) => expect(() => parsePosition(text)).toThrow(RangeError),
  );

  it('orders by commit first, then prepare', () => {
    expect(compareEsdbPositions({ commit: 1n, prepare: 9n }, { commit: 2n, prepare: 0n })).toBe(-1);
    expect(compareEsdbPositions({ commit: 2n, prepare: 1n }, { commit: 2n, prepare: 0n })).toBe(1);
    expect(compareEsdbPositions({ commit: 2n, prepare: 3n }, { commit: 2n, prepare: 3n })).toBe(0);
  });

  it('orders encoded positions like the tuples, also as plain strings', () => {
    fc.assert(
      fc.property(position, position, (a, b) => {
        const expected = compareEsdbPositions(a, b);
        const [x, y] = [formatPosition(a), formatPosition(b)];
        expect(expected).toBe(x < y ? -1 : x > y ? 1 : 0);
        expect(compareEsdbPositions(b, a)).toBe(-expected);
      }),
    );
  });
});

describe('EventStoreDB revisions', () => {
  it.each([
    ['no_stream', 'no_stream'],
    ['stream_exists', 'stream_exists'],
    ['any', 'any'],
    [0n, 0n],
    [41n, 41n],
  ] as const)('maps expected %s', (ours, theirs) => {
    expect(toEsdbExpectedRevision(ours)).toBe(theirs);
  });

  it('reports a missing stream as null and an unknown revision as undefined', () => {
    expect(toActualRevision('no_stream')).toBeNull();
    expect(toActualRevision(3n)).toBe(3n);
    expect(toActualRevision(undefined)).toBeUndefined();
  });

  it.each([
    ['any', 4n, true],
    ['no_stream', null, true],
    ['no_stream', 0n, false],
    ['stream_exists', null, false],
    ['stream_exists', 0n, true],
    [2n, 2n, true],
    [0n, null, false],
  ] as const)('expected %s at actual %s matches: %s', (expected, actual, matches) => {
    expect(matchesExpected(expected, actual)).toBe(matches);
  });

  it('resubscribes with a doubling, capped backoff, unless a retry would only repeat', () => {
    expect([1, 2, 3, 4, 10].map(backoffDelay)).toEqual([100, 200, 400, 800, 5000]);
    expect(cannotHeal(new AccessDeniedError())).toBe(true);
    expect(cannotHeal(new UnavailableError())).toBe(false);
  });
});

const metadata = { correlationId: 'req-1', causationId: 'cmd-1', userId: 'u-1', schemaVersion: 2 };

describe('EventStoreDB metadata', () => {
  it('stores the $ conventions beside ours and reads ours back', () => {
    const stored = toStoredMetadata(metadata);
    expect(stored).toEqual({ ...metadata, $correlationId: 'req-1', $causationId: 'cmd-1' });
    expect(fromStoredMetadata(JSON.parse(JSON.stringify(stored)))).toStrictEqual(metadata);
  });

  it('omits absent optional fields', () => {
    const stored = toStoredMetadata({ correlationId: 'req-2', schemaVersion: 1 });
    expect(stored).toStrictEqual({
      correlationId: 'req-2',
      schemaVersion: 1,
      $correlationId: 'req-2',
    });
    expect(fromStoredMetadata(stored)).toStrictEqual({ correlationId: 'req-2', schemaVersion: 1 });
  });

  it('falls back to the $ keys written by other tools', () => {
    expect(fromStoredMetadata({ $correlationId: 'c', $causationId: 'd' })).toStrictEqual({
      correlationId: 'c',
      causationId: 'd',
      schemaVersion: 1,
    });
  });

  it('keeps our id in the event data sent to the client', () => {
    const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
    const data = toEventData({ id, type: 'PlaceCreated', data: { name: 'Rex' }, metadata });
    expect(data).toMatchObject({ id, type: 'PlaceCreated', contentType: 'application/json' });
  });
});

function clientEvent(overrides: Partial<Record<string, unknown>> = {}): EsdbRecordedEvent {
  return {
    streamId: 'place-1',
    id: '0f8fad5b-d9cb-469f-a165-70867728950e',
    isJson: true,
    revision: 3n,
    type: 'PlaceCreated',
    created: new Date('2025-01-02T03:04:05Z'),
    data: { name: 'Rex' },
    metadata: toStoredMetadata(metadata),
    position: { commit: 500n, prepare: 500n },
    ...overrides,
  } as EsdbRecordedEvent;
}

describe('EventStoreDB recorded events', () => {
  it('converts one of ours', () => {
    expect(toRecordedEvent(clientEvent())).toStrictEqual({
      id: '0f8fad5b-d9cb-469f-a165-70867728950e',
      type: 'PlaceCreated',
      data: { name: 'Rex' },
      metadata,
      streamId: 'place-1',
      revision: 3n,
      position: formatPosition({ commit: 500n, prepare: 500n }),
      createdAt: new Date('2025-01-02T03:04:05Z'),
    });
  });

  it("keeps an imported event's original time, which the server cannot take", () => {
    const createdAt = new Date('2001-02-03T04:05:06.789Z');
    const stored = toEventData({ id: 'x', type: 'PlaceCreated', data: {}, metadata, createdAt });
    const back = toRecordedEvent(clientEvent({ metadata: stored.metadata }));
    expect(back?.createdAt).toEqual(createdAt);
    expect(back?.metadata).toStrictEqual(metadata);
  });

  it.each([
    ['a system event type', { type: '$metadata' }],
    ['a link event', { type: '$>', isJson: false, data: new Uint8Array([48]) }],
    ['a system stream', { streamId: '$stats-1' }],
    ['binary data', { isJson: false, data: new Uint8Array([1]) }],
    ['non-object JSON', { data: [1, 2] }],
  ])('skips %s', (_, overrides) => {
    expect(toRecordedEvent(clientEvent(overrides))).toBeUndefined();
  });

  it('finds a stored batch only whole, contiguous and in order', () => {
    const stored = ['a', 'b', 'c'].map((id, i) =>
      clientEvent({ id, revision: BigInt(i), position: { commit: 10n * BigInt(i), prepare: 0n } }),
    );
    const last = formatPosition({ commit: 20n, prepare: 0n });
    expect(matchBatch(stored, ['b', 'c'])).toEqual({
      kind: 'all',
      result: { nextRevision: 2n, position: last },
    });
    expect(matchBatch(stored, ['c', 'b'])).toEqual({ kind: 'part', revision: 2n });
    expect(matchBatch(stored, ['c', 'd'])).toEqual({ kind: 'part', revision: 2n });
    expect(matchBatch(stored, ['d'])).toEqual({ kind: 'none', revision: 2n });
    expect(matchBatch([], ['a'])).toEqual({ kind: 'none', revision: null });
  });

  it('refuses an event whose position the server did not report', () => {
    expect(() => toRecordedEvent(clientEvent({ position: undefined }))).toThrow(/22\.6/);
    const unknown = { commit: 2n ** 64n - 1n, prepare: 2n ** 64n - 1n };
    expect(() => toRecordedEvent(clientEvent({ position: unknown }))).toThrow(/22\.6/);
  });
});
