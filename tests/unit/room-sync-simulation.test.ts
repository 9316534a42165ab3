import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PlaybackControl, positionAt } from '../../src/domain/room/timeline.js';
import { DRIFT_RULE } from '../../web/src/sync/drift-correction.js';
import { positionAt as clientPositionAt } from '../../web/src/sync/room-timeline.js';
import { type MemberSpec, type RoomSimOptions, SimMember, SimServer } from '../support/room-sim.js';
import { seededRandom, VirtualClock } from '../support/virtual-clock.js';

/**
 * Watch-together sync, simulated in virtual time (no browser, no sleeping): members with
 * 20–300 ms links, jitter, clocks off by up to ±5 s, media clocks a little fast or slow, stalls
 * on seeks and buffering; random controls from random members. The server applies them with the
 * real timeline module, the members follow with the real client modules.
 */

/** Fixed, so a run is repeatable; `SIM_SEED` explores other rooms, `SIM_RUNS` more of them. */
const SEED = Number(process.env.SIM_SEED ?? 20261202);
const RUNS = Number(process.env.SIM_RUNS ?? 40);
const TOLERANCE_S = 0.2;
/**
 * A change has settled this long after it took effect. Pause, seek and play land exactly (the
 * member holds still at the position, and a play starts at its scheduled time), but a rate
 * change takes effect at once on the server, so a member applies it one network delay late:
 * up to 0.3 s × (2 − 0.5) = 0.45 s off, corrected at 5 % of 0.5× = 0.025 s a second: ~16 s.
 */
const SETTLE_MS = 16_000;
/**
 * A member that buffered while the room played may lag up to 2 s and be corrected by rate: at
 * 5 % of the slowest room rate (0.5×) that is 0.025 s a second, so up to 80 s, plus the tail.
 */
const RECOVERY_MS = 90_000;
const WARM_UP_MS = 6000;
const DURATION_S = 7200;

const defaults: RoomSimOptions = {
  bufferingTimeoutMs: 10_000,
  bufferChance: 0.2,
  maxBufferingMs: 14_000,
  tickMs: 250,
};

const member: fc.Arbitrary<MemberSpec> = fc
  .record({
    base: fc.integer({ min: 20, max: 250 }),
    asymmetry: fc.integer({ min: -40, max: 40 }),
    jitterMs: fc.integer({ min: 0, max: 50 }),
    clockOffsetMs: fc.integer({ min: -5000, max: 5000 }),
    clockSkewPpm: fc.integer({ min: -100, max: 100 }),
    mediaSpeedError: fc.double({ min: -0.003, max: 0.003, noNaN: true }),
  })
  .map(({ base, asymmetry, ...rest }) => ({
    ...rest,
    upMs: Math.min(250, Math.max(20, base + asymmetry / 2)),
    downMs: Math.min(250, Math.max(20, base - asymmetry / 2)),
  }));

const control: fc.Arbitrary<PlaybackControl> = fc.oneof(
  { arbitrary: fc.constant({ action: 'play' as const }), weight: 4 },
  { arbitrary: fc.constant({ action: 'pause' as const }), weight: 2 },
  {
    arbitrary: fc.record({
      action: fc.constant('seek' as const),
      position: fc.double({ min: 0, max: 3000, noNaN: true }),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      action: fc.constant('rate' as const),
      rate: fc.constantFrom(0.5, 0.75, 1, 1.25, 1.5, 2),
    }),
    weight: 1,
  },
);

const step = fc.record({
  // Bursts of quick controls as well as long quiet stretches.
  gapMs: fc.oneof(fc.integer({ min: 50, max: 2000 }), fc.integer({ min: 2000, max: 25_000 })),
  from: fc.nat(),
  control,
});

interface Outcome {
  readonly checks: number;
  readonly worstError: number;
  readonly worstWaitMs: number;
  readonly seeks: number;
  readonly rateChanges: number;
}

/** Runs one room; returns the figures, throwing (via expect) on the first breach. */
function simulate(
  members: MemberSpec[],
  steps: { gapMs: number; from: number; control: PlaybackControl }[],
  seed: number,
  options: RoomSimOptions = defaults,
): Outcome {
  const clock = new VirtualClock();
  const random = seededRandom(seed);
  const server = new SimServer(clock, options, DURATION_S);
  const sims = members.map((spec, i) => new SimMember(i, spec, clock, server, random, options));
  for (const sim of sims) {
    server.join(sim);
    sim.start();
  }
  let checks = 0;
  let worstError = 0;

  /** Every member that is not recovering from a stall is on the room timeline. */
  const check = (all: boolean) => {
    const last = server.changes.at(-1);
    if (!all && last && clock.now - last.effectiveAt < SETTLE_MS) return;
    const room = server.position();
    for (const sim of sims) {
      if (sim.media.buffering) continue;
      if (!all && clock.now - sim.bufferingEndedAt < RECOVERY_MS) continue;
      const error = Math.abs(sim.media.position - room);
      worstError = Math.max(worstError, error);
      checks += 1;
      expect(error, `member ${sim.index} at ${clock.now} ms: room ${room} s`).toBeLessThan(
        TOLERANCE_S,
      );
    }
  };

  clock.runUntil(WARM_UP_MS);
  for (const { gapMs, from, control } of steps) {
    // Check often between controls, not only just before the next one.
    const until = clock.now + gapMs;
    for (let t = clock.now + 1000; t < until; t += 1000) {
      clock.runUntil(t);
      check(false);
    }
    clock.runUntil(until);
    check(false);
    sims[from % sims.length]!.control(control);
  }
  // Quiet at the end: everyone, stalled or not, has caught up.
  clock.runUntil(clock.now + options.maxBufferingMs + RECOVERY_MS);
  check(true);

  const worstWaitMs = Math.max(0, ...server.waits, ...sims.map((s) => s.longestWaitMs));
  // After any change, the room waits at most the timeout for a member: plus the server's 100 ms
  // check and the round trip of the `buffering` report the change itself caused (≤ 600 ms).
  expect(Math.max(0, ...server.waits)).toBeLessThanOrEqual(options.bufferingTimeoutMs + 700);
  // A member sees it end within that, give or take its link's jitter.
  for (const sim of sims) {
    expect(sim.longestWaitMs).toBeLessThanOrEqual(options.bufferingTimeoutMs + 800);
  }
  return {
    checks,
    worstError,
    worstWaitMs,
    seeks: sims.reduce((n, s) => n + s.media.seeks, 0),
    rateChanges: sims.reduce((n, s) => n + s.media.rateChanges, 0),
  };
}

describe('watch-together sync, simulated', () => {
  it('keeps every settled member within 0.2 s of the server timeline; nobody waits past the timeout', () => {
    const figures: Outcome[] = [];
    fc.assert(
      fc.property(
        fc.array(member, { minLength: 2, maxLength: 8 }),
        fc.array(step, { minLength: 3, maxLength: 20 }),
        fc.integer(),
        (members, steps, seed) => {
          figures.push(simulate(members, steps, seed));
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
    const worst = Math.max(...figures.map((f) => f.worstError));
    const checks = figures.reduce((n, f) => n + f.checks, 0);
    // The checks must have looked at something: most runs settle many times.
    expect(checks).toBeGreaterThan(figures.length * 5);
    if (process.env.SIM_REPORT) {
      console.log({
        runs: figures.length,
        checks,
        worstErrorS: worst,
        worstWaitMs: Math.max(...figures.map((f) => f.worstWaitMs)),
        seeks: figures.reduce((n, f) => n + f.seeks, 0),
        rateChanges: figures.reduce((n, f) => n + f.rateChanges, 0),
      });
    }
  });

  it('can fail: a lenient drift rule lets a fast media clock drift past 0.2 s', () => {
    // One member whose media clock runs 1 % fast; the room plays for 60 s.
    const fast: MemberSpec = {
      upMs: 50,
      downMs: 50,
      jitterMs: 0,
      clockOffsetMs: 1000,
      clockSkewPpm: 0,
      mediaSpeedError: 0.01,
    };
    const steps = [
      { gapMs: 1000, from: 0, control: { action: 'play' as const } },
      { gapMs: 60_000, from: 0, control: { action: 'pause' as const } },
    ];
    const quiet = { ...defaults, bufferChance: 0 };
    expect(simulate([fast, fast], steps, 1, quiet).worstError).toBeLessThan(TOLERANCE_S);
    const lenient = { ...DRIFT_RULE, deadBandSeconds: 1 };
    expect(() => simulate([fast, fast], steps, 1, { ...quiet, rule: lenient })).toThrow(
      /to be less than 0\.2/,
    );
  });
});

describe('the client reads the timeline as the server does', () => {
  it('positionAt agrees with src/domain/room/timeline.ts', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('paused' as const, 'playing' as const, 'waiting' as const),
        fc.double({ min: 0, max: 10_000, noNaN: true }),
        fc.integer({ min: 0, max: 1e12 }),
        fc.constantFrom(0.5, 1, 1.25, 2),
        fc.integer({ min: -10_000, max: 100_000 }),
        (status, position, at, rate, dt) => {
          const playback = { status, position, at, rate, seq: 1 };
          expect(clientPositionAt(playback, at + dt)).toBeCloseTo(positionAt(playback, at + dt), 9);
        },
      ),
    );
  });
});
