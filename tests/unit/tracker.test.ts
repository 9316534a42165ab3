import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Tracker, type TrackerEnv } from '../../web/src/tracking/tracker.js';

interface Sent {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: {
    sentAt: string;
    events: { messageId: string; type: string; properties: Record<string, unknown> }[];
  };
}

/** A fake browser: a clock moved by hand, a scriptable server, a beacon and storage. */
function fakeBrowser(statuses: (number | 'network')[] = []) {
  let now = Date.parse('2030-01-01T12:00:00Z');
  let ids = 0;
  const sent: Sent[] = [];
  const beacons: Sent['body'][] = [];
  let stored: string | null = null;
  const env: TrackerEnv = {
    async fetch(url, init) {
      const status = statuses.shift() ?? 202;
      sent.push({ url, headers: init.headers, body: JSON.parse(init.body) });
      if (status === 'network') throw new TypeError('fetch failed');
      return {
        status,
        headers: { get: (name) => (name === 'retry-after' && status === 503 ? '3' : null) },
      };
    },
    sendBeacon: (_url, body) => {
      beacons.push(JSON.parse(body));
      return true;
    },
    now: () => now,
    randomId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
    token: () => 'the-token',
    storage: { get: () => stored, set: (value) => (stored = value) },
  };
  return {
    env,
    sent,
    beacons,
    stored: () => stored,
    advance: (ms: number) => {
      now += ms;
      vi.advanceTimersByTime(ms);
    },
  };
}

const flushed = () => new Promise((resolve) => setImmediate(resolve));

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the tracking SDK', () => {
  it('batches in memory and flushes every 5 s with the token', async () => {
    const b = fakeBrowser();
    const tracker = new Tracker(b.env, { anonymousId: 'anon' });
    tracker.start();
    tracker.track('click', { element: 'button' });
    tracker.track('click', { element: 'link' });
    expect(b.sent).toHaveLength(0);
    b.advance(5_000);
    await flushed();
    expect(b.sent).toHaveLength(1);
    expect(b.sent[0]?.url).toBe('/api/track/batch');
    expect(b.sent[0]?.headers.authorization).toBe('Bearer the-token');
    expect(b.sent[0]?.body.events.map((e) => e.properties.element)).toEqual(['button', 'link']);
    expect(tracker.pending).toHaveLength(0);
    tracker.stop();
  });

  it('flushes at once at 20 events', async () => {
    const b = fakeBrowser();
    const tracker = new Tracker(b.env);
    for (let i = 0; i < 19; i++) tracker.track('click', { element: 'button' });
    await flushed();
    expect(b.sent).toHaveLength(0);
    tracker.track('click', { element: 'button' });
    await flushed();
    expect(b.sent).toHaveLength(1);
    expect(b.sent[0]?.body.events).toHaveLength(20);
  });

  it('retries a failed batch with the same messageIds, honouring Retry-After', async () => {
    const b = fakeBrowser([503, 'network', 202]);
    const tracker = new Tracker(b.env);
    tracker.track('like', { filmId: 'f', liked: true });
    await tracker.flush();
    const first = b.sent[0]?.body.events.map((e) => e.messageId);
    // Retry-After: 3 s — not before.
    b.advance(2_000);
    await tracker.flush();
    expect(b.sent).toHaveLength(1);
    b.advance(1_000);
    await tracker.flush(); // the network fails: the second failure backs off 2 s
    b.advance(1_000);
    await tracker.flush();
    expect(b.sent).toHaveLength(2);
    b.advance(1_000);
    await tracker.flush();
    expect(b.sent).toHaveLength(3);
    expect(b.sent.map((s) => s.body.events.map((e) => e.messageId))).toEqual([first, first, first]);
    expect(tracker.pending).toHaveLength(0);
  });

  it('measures time on page and sends it by beacon when the page is hidden', async () => {
    const b = fakeBrowser();
    const tracker = new Tracker(b.env);
    tracker.pageView('/films/x', 'X');
    b.advance(4_200);
    tracker.pageView('/films/y');
    b.advance(1_000);
    tracker.hidden();
    expect(b.sent).toHaveLength(0);
    const events = b.beacons.flatMap((body) => body.events);
    expect(events.map((e) => [e.type, e.properties.path, e.properties.durationMs])).toEqual([
      ['page_view', '/films/x', undefined],
      ['page_view', '/films/x', 4_200],
      ['page_view', '/films/y', undefined],
      ['page_view', '/films/y', 1_000],
    ]);
    // Kept for the next visit too: a beacon may be lost, and a repeat is stored once.
    const next = new Tracker(b.env);
    expect(next.pending.map((e) => e.messageId)).toEqual(events.map((e) => e.messageId));
    await next.flush();
    expect(b.sent[0]?.body.events.map((e) => e.messageId)).toEqual(events.map((e) => e.messageId));
    expect(JSON.parse(b.stored() ?? '[]')).toEqual([]);
  });

  it('drops a batch the server refuses for good (400), not the next ones', async () => {
    const b = fakeBrowser([400, 202]);
    const tracker = new Tracker(b.env);
    tracker.track('click', { element: 'nope' });
    await tracker.flush();
    tracker.track('click', { element: 'film' });
    await tracker.flush();
    expect(b.sent[1]?.body.events.map((e) => e.properties.element)).toEqual(['film']);
    expect(tracker.pending).toHaveLength(0);
  });
});
