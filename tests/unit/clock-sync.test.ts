import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClockSync, sampleOf, toMs } from '../../web/src/sync/clock-sync.js';

/** A pong for an exchange where the server clock is `offset` ahead, with one-way delays. */
function exchange(t0: number, offset: number, up: number, serverMs: number, down: number) {
  const serverReceived = t0 + up + offset;
  const serverSent = serverReceived + serverMs;
  return {
    pong: { clientSent: t0, serverReceived, serverSent },
    receivedAt: t0 + up + serverMs + down,
  };
}

describe('sampleOf (NTP)', () => {
  it('finds the offset exactly on a symmetric path, and the network delay', () => {
    const { pong, receivedAt } = exchange(1000, 5000, 40, 3, 40);
    expect(sampleOf(pong.clientSent, pong.serverReceived, pong.serverSent, receivedAt)).toEqual({
      offsetMs: 5000,
      delayMs: 80,
    });
  });

  it('errs by at most half the delay, whatever the asymmetry', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5000, max: 5000 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 20 }),
        (offset, up, down, serverMs) => {
          const { pong, receivedAt } = exchange(10_000, offset, up, serverMs, down);
          const s = sampleOf(pong.clientSent, pong.serverReceived, pong.serverSent, receivedAt);
          expect(s.delayMs).toBe(up + down);
          expect(Math.abs(s.offsetMs - offset)).toBeLessThanOrEqual(s.delayMs / 2);
        },
      ),
    );
  });
});

describe('ClockSync', () => {
  it('keeps the lowest-delay sample of the last 8', () => {
    const sync = new ClockSync();
    expect(sync.synced).toBe(false);
    expect(sync.serverTime(100)).toBe(100);
    // Delays 200, 20 (the best, offset error 0), then eight more of 100: the 20 falls out.
    sync.add(exchange(0, 1000, 150, 0, 50).pong, 200);
    const good = exchange(1000, 1000, 10, 0, 10);
    sync.add(good.pong, good.receivedAt);
    expect(sync.offsetMs).toBe(1000);
    expect(sync.roundTripMs).toBe(20);
    for (let i = 0; i < 7; i++) {
      const e = exchange(2000 + i * 1000, 1000, 80, 0, 20);
      sync.add(e.pong, e.receivedAt);
    }
    expect(sync.roundTripMs).toBe(20);
    const e = exchange(9000, 1000, 80, 0, 20);
    sync.add(e.pong, e.receivedAt);
    expect(sync.roundTripMs).toBe(100);
    expect(sync.offsetMs).toBe(1030);
    expect(sync.serverTime(0)).toBe(1030);
    expect(sync.localTime(1030)).toBe(0);
  });

  it('pings every second for the first five samples, then every 30 s', () => {
    const sync = new ClockSync();
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      delays.push(sync.nextPingDelayMs());
      const e = exchange(i * 1000, 0, 10, 0, 10);
      sync.add(e.pong, e.receivedAt);
    }
    expect(delays).toEqual([1000, 1000, 1000, 1000, 1000, 30_000, 30_000]);
    sync.reset();
    expect(sync.nextPingDelayMs()).toBe(1000);
    expect(sync.synced).toBe(false);
  });

  it('refuses an exchange with a negative delay or unreadable times', () => {
    const sync = new ClockSync();
    expect(sync.add({ clientSent: 100, serverReceived: 0, serverSent: 500 }, 200)).toBeUndefined();
    expect(
      sync.add({ clientSent: 0, serverReceived: 'nonsense', serverSent: 1 }, 5),
    ).toBeUndefined();
    expect(sync.synced).toBe(false);
  });

  it('reads ISO server times', () => {
    expect(toMs('2030-01-01T00:00:00.250Z')).toBe(Date.UTC(2030, 0, 1) + 250);
    const sync = new ClockSync();
    const at = Date.UTC(2030, 0, 1);
    sync.add(
      {
        clientSent: at - 5000,
        serverReceived: new Date(at + 10).toISOString(),
        serverSent: new Date(at + 10).toISOString(),
      },
      at - 5000 + 20,
    );
    expect(sync.offsetMs).toBe(5000);
  });
});
