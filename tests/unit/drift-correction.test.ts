import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { correctionFor, DRIFT_RULE, DriftCorrector } from '../../web/src/sync/drift-correction.js';

const room = { position: 100, rate: 1 };

describe('correctionFor: the contract rule', () => {
  it('leaves a drift under 0.1 s alone (at the room rate)', () => {
    expect(correctionFor(0.09, room)).toEqual({ kind: 'rate', rate: 1 });
    expect(correctionFor(-0.09, { position: 3, rate: 1.5 })).toEqual({ kind: 'rate', rate: 1.5 });
  });

  it('corrects up to 2 s by rate: slower when ahead, faster when behind, proportionally', () => {
    expect(correctionFor(0.1, room)).toEqual({ kind: 'rate', rate: 1 - 0.025 });
    expect(correctionFor(-0.1, room)).toEqual({ kind: 'rate', rate: 1 + 0.025 });
    expect(correctionFor(1, room)).toEqual({ kind: 'rate', rate: 0.95 });
    expect(correctionFor(-2, room)).toEqual({ kind: 'rate', rate: 1.05 });
  });

  it('seeks beyond 2 s', () => {
    expect(correctionFor(2.01, room)).toEqual({ kind: 'seek', position: 100 });
    expect(correctionFor(-30, room)).toEqual({ kind: 'seek', position: 100 });
  });

  it('keeps any rate within 0.95–1.05 of the room rate', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -2, max: 2, noNaN: true }),
        fc.double({ min: 0.5, max: 2, noNaN: true }),
        (drift, rate) => {
          const c = correctionFor(drift, { position: 0, rate });
          expect(c.kind).toBe('rate');
          if (c.kind !== 'rate') return;
          expect(c.rate / rate).toBeGreaterThanOrEqual(0.95 - 1e-12);
          expect(c.rate / rate).toBeLessThanOrEqual(1.05 + 1e-12);
          // Never the wrong way: ahead means not faster.
          if (drift > 0) expect(c.rate).toBeLessThanOrEqual(rate);
          if (drift < 0) expect(c.rate).toBeGreaterThanOrEqual(rate);
        },
      ),
    );
  });
});

describe('DriftCorrector', () => {
  it('waits 1.5 s between corrections', () => {
    const corrector = new DriftCorrector();
    const player = { position: 103, rate: 1 };
    expect(corrector.update(0, player, room)).toEqual({ kind: 'seek', position: 100 });
    // The seek has not landed yet (the player still reports 103): no second seek.
    expect(corrector.update(1000, player, room)).toEqual({ kind: 'none' });
    expect(corrector.update(1499, player, room)).toEqual({ kind: 'none' });
    expect(corrector.update(1500, player, room)).toEqual({ kind: 'seek', position: 100 });
  });

  it('does nothing while the player already does the right thing', () => {
    const corrector = new DriftCorrector();
    expect(corrector.update(0, { position: 100.05, rate: 1 }, room)).toEqual({ kind: 'none' });
    expect(corrector.update(0, { position: 100.5, rate: 0.95 }, room)).toEqual({ kind: 'none' });
  });

  it('ends a rate correction at once when back in the dead band', () => {
    const corrector = new DriftCorrector();
    expect(corrector.update(0, { position: 100.5, rate: 1 }, room)).toEqual({
      kind: 'rate',
      rate: 0.95,
    });
    expect(corrector.update(100, { position: 100.02, rate: 0.95 }, room)).toEqual({
      kind: 'rate',
      rate: 1,
    });
  });

  it('acts at once after a room control (reset)', () => {
    const corrector = new DriftCorrector();
    corrector.update(0, { position: 105, rate: 1 }, room);
    corrector.reset();
    expect(corrector.update(10, { position: 105, rate: 1 }, room).kind).toBe('seek');
  });

  it('converges: a player 1.9 s behind is within the dead band and at the room rate in time', () => {
    // Corrected every 250 ms for 60 s with a player that does exactly what it is told.
    const corrector = new DriftCorrector();
    let position = 98.1;
    let rate = 1;
    for (let t = 0; t <= 60_000; t += 250) {
      const target = { position: 100 + t / 1000, rate: 1 };
      const c = corrector.update(t, { position, rate }, target);
      if (c.kind === 'rate') rate = c.rate;
      if (c.kind === 'seek') position = c.position;
      position += 0.25 * rate;
    }
    expect(Math.abs(position - (100 + 60.25))).toBeLessThan(DRIFT_RULE.deadBandSeconds);
    expect(rate).toBe(1);
  });
});
