import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyControl,
  hasEnded,
  initialPlayback,
  isValidControl,
  type Playback,
  type PlaybackControl,
  positionAt,
  releaseWaiting,
  scheduleLead,
  stopAt,
} from '../../src/domain/room/timeline.js';

const t0 = Date.parse('2026-12-02T20:00:00.000Z');
const paused: Playback = { status: 'paused', position: 10, at: t0, rate: 1, seq: 3 };
const playing: Playback = { status: 'playing', position: 10, at: t0, rate: 1.5, seq: 4 };

describe('positionAt', () => {
  it('advances a playing timeline by elapsed time × rate', () => {
    expect(positionAt(playing, t0 + 2000)).toBe(13);
  });
  it('holds a paused timeline and a scheduled start that has not begun', () => {
    expect(positionAt(paused, t0 + 60_000)).toBe(10);
    expect(positionAt({ ...playing, at: t0 + 500 }, t0)).toBe(10);
  });
  it('stops at the end of the media', () => {
    expect(positionAt(playing, t0 + 100_000, 20)).toBe(20);
    expect(hasEnded(playing, t0 + 100_000, 20)).toBe(true);
    expect(hasEnded(playing, t0 + 1000, 20)).toBe(false);
  });
});

describe('scheduleLead', () => {
  it('is twice the highest round trip, within [500, 3000] ms', () => {
    expect(scheduleLead([40, 120, 80])).toBe(500);
    expect(scheduleLead([40, 400])).toBe(800);
    expect(scheduleLead([40, 9000])).toBe(3000);
    expect(scheduleLead([])).toBe(500);
  });
});

describe('applyControl', () => {
  const context = { now: t0 + 4000, leadMs: 600 };

  it('schedules a play ahead, from the paused position', () => {
    expect(applyControl(paused, { action: 'play' }, context)).toEqual({
      status: 'playing',
      position: 10,
      at: t0 + 4600,
      rate: 1,
      seq: 4,
    });
  });
  it('waits instead of playing while someone buffers, and starts once released', () => {
    const waiting = applyControl(
      paused,
      { action: 'play' },
      { ...context, someoneBuffering: true },
    );
    expect(waiting).toEqual({ status: 'waiting', position: 10, at: t0 + 4000, rate: 1, seq: 4 });
    expect(releaseWaiting(waiting as Playback, t0 + 5000, 500)).toEqual({
      status: 'playing',
      position: 10,
      at: t0 + 5500,
      rate: 1,
      seq: 5,
    });
    expect(releaseWaiting(paused, t0, 500)).toBeUndefined();
  });
  it('pauses at the current position, at once', () => {
    expect(applyControl(playing, { action: 'pause' }, context)).toEqual({
      ...playing,
      status: 'paused',
      position: 16,
      at: t0 + 4000,
      seq: 5,
    });
  });
  it('pausing before a scheduled start takes effect at that start, at its position', () => {
    const scheduled: Playback = { ...playing, at: t0 + 5000 };
    expect(applyControl(scheduled, { action: 'pause' }, context)).toEqual({
      ...scheduled,
      status: 'paused',
      position: 10,
      at: t0 + 5000,
      seq: 5,
    });
  });
  it('schedules a seek while playing ahead, and applies it at once while paused', () => {
    expect(applyControl(playing, { action: 'seek', position: 100 }, context)).toEqual({
      ...playing,
      position: 100,
      at: t0 + 4600,
      seq: 5,
    });
    expect(applyControl(paused, { action: 'seek', position: 100 }, context)).toEqual({
      ...paused,
      position: 100,
      at: t0 + 4000,
      seq: 4,
    });
  });
  it('keeps a seek within the media', () => {
    const after = applyControl(
      paused,
      { action: 'seek', position: 500 },
      { ...context, durationSeconds: 120 },
    );
    expect(after?.position).toBe(120);
  });
  it('changes the rate from the current position', () => {
    expect(applyControl(playing, { action: 'rate', rate: 1 }, context)).toEqual({
      ...playing,
      position: 16,
      at: t0 + 4000,
      rate: 1,
      seq: 5,
    });
  });
  it('changes nothing for a play while playing, a pause while paused, the same rate', () => {
    expect(applyControl(playing, { action: 'play' }, context)).toBeUndefined();
    expect(applyControl(paused, { action: 'pause' }, context)).toBeUndefined();
    expect(applyControl(playing, { action: 'rate', rate: 1.5 }, context)).toBeUndefined();
  });
  it('validates bounds', () => {
    expect(isValidControl({ action: 'rate', rate: 2.5 })).toBe(false);
    expect(isValidControl({ action: 'rate', rate: 0.5 })).toBe(true);
    expect(isValidControl({ action: 'seek', position: -1 })).toBe(false);
    expect(isValidControl({ action: 'seek', position: Number.NaN })).toBe(false);
  });
  it('stops at the end', () => {
    expect(stopAt(playing, t0 + 100_000, 20)).toEqual({
      ...playing,
      status: 'paused',
      position: 20,
      at: t0 + 100_000,
      seq: 5,
    });
  });
});

const control: fc.Arbitrary<PlaybackControl> = fc.oneof(
  fc.constant({ action: 'play' as const }),
  fc.constant({ action: 'pause' as const }),
  fc.record({
    action: fc.constant('seek' as const),
    position: fc.double({ min: 0, max: 7200, noNaN: true }),
  }),
  fc.record({ action: fc.constant('rate' as const), rate: fc.constantFrom(0.5, 1, 1.25, 2) }),
);

describe('timeline invariants', () => {
  it('room time only moves forward, seq counts every change, positions stay within the media', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            control,
            advance: fc.integer({ min: 0, max: 5000 }),
            lead: fc.integer({ min: 500, max: 3000 }),
          }),
          { maxLength: 60 },
        ),
        (steps) => {
          let playback = initialPlayback(t0);
          let now = t0;
          for (const step of steps) {
            now += step.advance;
            const next = applyControl(playback, step.control, {
              now,
              leadMs: step.lead,
              durationSeconds: 7200,
            });
            if (!next) continue;
            expect(next.at).toBeGreaterThanOrEqual(playback.at);
            expect(next.at).toBeGreaterThanOrEqual(now);
            expect(next.seq).toBe(playback.seq + 1);
            expect(next.position).toBeGreaterThanOrEqual(0);
            expect(next.position).toBeLessThanOrEqual(7200);
            // A pause freezes the frame everyone sees at that instant: no jump back or forward.
            if (step.control.action === 'pause')
              expect(next.position).toBe(positionAt(playback, next.at, 7200));
            playback = next;
          }
        },
      ),
    );
  });
});
