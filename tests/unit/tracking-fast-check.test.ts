import { describe, expect, it } from 'vitest';
import { fastEvent } from '../../src/api/tracking/tracking-fast-check.js';
import { trackedEventSchema } from '../../src/api/tracking/tracking-schemas.js';

const filmId = '0b7c1d1e-8f0a-4c1b-9a57-0c5e1b3f8a21';
const base = {
  messageId: '5f0c6a3e-2b1d-4c8e-9f7a-1d2e3f4a5b6c',
  timestamp: '2030-05-01T10:00:00.000Z',
  anonymousId: 'anon-1',
};

/** One valid event of every type, with and without the optional fields. */
const valid: Record<string, unknown>[] = [
  { ...base, type: 'click', properties: { element: 'film', targetId: filmId } },
  { ...base, type: 'click', properties: { element: 'button', label: 'Play' } },
  { ...base, type: 'page_view', properties: { path: `/films/${filmId}` } },
  {
    ...base,
    sessionId: 's-1',
    page: { path: '/', referrer: 'https://example.org/' },
    type: 'page_view',
    properties: { path: '/', title: 'Home', durationMs: 1200 },
  },
  { ...base, type: 'like', properties: { filmId, liked: false } },
  {
    ...base,
    type: 'quality_change',
    properties: { filmId, from: '360p', to: '720p', position: 12.5 },
  },
  { ...base, type: 'watched_to_end', properties: { filmId, watchedSeconds: 5400 } },
  {
    ...base,
    type: 'search_filter',
    properties: { query: 'war', filters: { genre: 'War', year: 1950, minRating: 7.5 }, results: 3 },
  },
  {
    ...base,
    timestamp: '2030-05-01T10:00:00+02:00',
    type: 'custom',
    properties: { name: 'film_shared', properties: { filmId, to: ['a', { b: 1 }] } },
  },
];

/** Each changes one thing of a valid event; some stay valid under zod, most do not. */
const variants: ((e: Record<string, unknown>) => unknown)[] = [
  (e) => ({ ...e, extra: 1 }),
  (e) => ({ ...e, properties: { ...(e.properties as object), extra: 1 } }),
  (e) => ({ ...e, messageId: 'not-a-uuid' }),
  (e) => ({ ...e, messageId: base.messageId.toUpperCase() }),
  (e) => ({ ...e, messageId: '5f0c6a3e-2b1d-0c8e-9f7a-1d2e3f4a5b6c' }),
  (e) => ({ ...e, timestamp: '2030-05-01 10:00:00Z' }),
  (e) => ({ ...e, timestamp: '2030-02-30T10:00:00Z' }),
  (e) => ({ ...e, timestamp: '1999-12-31T23:59:59Z' }),
  (e) => ({ ...e, timestamp: '2000-01-01T00:30:00+01:00' }),
  (e) => ({ ...e, timestamp: '2099-12-31T23:30:00-01:00' }),
  (e) => ({ ...e, timestamp: '2000-01-01T00:00:00Z' }),
  (e) => ({ ...e, timestamp: 1_900_000_000_000 }),
  (e) => ({ ...e, anonymousId: 'a'.repeat(201) }),
  (e) => ({ ...e, anonymousId: ' padded ' }),
  (e) => ({ ...e, anonymousId: `nul${String.fromCharCode(0)}` }),
  (e) => ({ ...e, sessionId: '\uD800' }),
  (e) => ({ ...e, page: { path: ' / ' } }),
  (e) => ({ ...e, page: { path: '/', other: 1 } }),
  (e) => ({ ...e, page: [] }),
  (e) => ({ ...e, type: 'unknown' }),
  (e) => ({ ...e, type: 'constructor' }),
  (e) => ({ ...e, properties: null }),
  (e) => ({ ...e, properties: [] }),
  (e) => {
    const { messageId: _, ...rest } = e;
    return rest;
  },
  (e) => ({ ...e, properties: { path: ' /x', element: 'film', filmId, liked: 'yes' } }),
  (e) => ({ ...e, properties: { path: '/x', durationMs: -1, element: 'tv' } }),
  (e) => ({ ...e, properties: { path: '/x', durationMs: 1.5 } }),
  (e) => ({ ...e, properties: { filmId, watchedSeconds: Number.NaN } }),
  (e) => ({ ...e, properties: { filmId, watchedSeconds: 1_000_001 } }),
  (e) => ({ ...e, properties: { filmId, from: 'x'.repeat(21), to: '1', position: 1 } }),
  (e) => ({ ...e, properties: { filters: { year: 1799 }, results: 1 } }),
  (e) => ({ ...e, properties: { filters: { minRating: 10.5 }, results: 1 } }),
  (e) => ({ ...e, properties: { name: '', properties: {} } }),
  (e) => ({ ...e, properties: { name: 'x', properties: { k: `v${String.fromCharCode(0)}` } } }),
  (e) => ({ ...e, properties: { name: 'x', properties: [] } }),
  (e) => ({ ...e, properties: { name: 'x ', properties: {} } }),
];

describe('the fast event check', () => {
  it('takes every common valid event, exactly as zod returns it', () => {
    for (const event of valid) {
      expect(fastEvent(event), JSON.stringify(event)).toBe(event);
      expect(trackedEventSchema.parse(event)).toEqual(event);
    }
  });

  it('never takes an event zod refuses or would change', () => {
    let taken = 0;
    for (const event of valid) {
      for (const variant of variants) {
        const input = variant(event);
        const fast = fastEvent(input);
        if (fast === undefined) continue;
        taken += 1;
        const parsed = trackedEventSchema.safeParse(input);
        expect(parsed.success, JSON.stringify(input)).toBe(true);
        expect(parsed.data, JSON.stringify(input)).toEqual(input);
      }
    }
    // Some variants stay valid (uppercase uuid, edge-year instants inside the bounds).
    expect(taken).toBeGreaterThan(0);
  });
});
