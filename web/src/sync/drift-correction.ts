/**
 * The contract's drift correction: a member compares its player with the room timeline and
 * corrects itself. Pure: the caller measures, applies the answer to its player, and says when.
 *
 * - |drift| < 0.1 s: nothing (and a rate correction in progress ends: back to the room rate).
 * - up to 2 s: play a little faster or slower, proportionally to the drift, within 0.95–1.05
 *   of the room rate — smooth, unlike a seek, which stalls to buffer.
 * - beyond 2 s: seek to where the room is.
 * - at least 1.5 s between two corrections, so a correction has time to act before the next
 *   one is decided (corrections that chase their own effect oscillate; Jellyfin ships its
 *   aggressive speed-up disabled for that reason). Ending a correction is not held back.
 */

export const DRIFT_RULE = {
  /** Below this (seconds), drift is not corrected. */
  deadBandSeconds: 0.1,
  /** Up to this (seconds), drift is corrected by playback rate; beyond, by a seek. */
  rateBandSeconds: 2,
  /** The playback rate factor stays within [1 − maxRateChange, 1 + maxRateChange]. */
  maxRateChange: 0.05,
  /** Rate change per second of drift, before the clamp: 0.2 s of drift is already 5 %. */
  gainPerSecond: 0.25,
  /** The least time (ms) between two corrections. */
  minIntervalMs: 1500,
} as const;

export type DriftRule = { readonly [K in keyof typeof DRIFT_RULE]: number };

/** What to do to the player now. */
export type Correction =
  | { readonly kind: 'none' }
  /** Play at this rate (the room rate times a factor within 0.95–1.05, or the room rate). */
  | { readonly kind: 'rate'; readonly rate: number }
  /** Jump to this media position (seconds). */
  | { readonly kind: 'seek'; readonly position: number };

/** The correction for a drift (player − room, seconds) on its own, ignoring the interval. */
export function correctionFor(
  driftSeconds: number,
  target: { readonly position: number; readonly rate: number },
  rule: DriftRule = DRIFT_RULE,
): Correction {
  const magnitude = Math.abs(driftSeconds);
  if (magnitude < rule.deadBandSeconds) return { kind: 'rate', rate: target.rate };
  if (magnitude > rule.rateBandSeconds) return { kind: 'seek', position: target.position };
  const change = Math.min(rule.maxRateChange, magnitude * rule.gainPerSecond);
  // Ahead (positive drift): slower; behind: faster.
  return { kind: 'rate', rate: target.rate * (1 - Math.sign(driftSeconds) * change) };
}

/** Applies the rule over time: remembers when it last corrected. */
export class DriftCorrector {
  #lastCorrectionAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly rule: DriftRule = DRIFT_RULE) {}

  /**
   * The correction at client time `nowMs` for a playing player at `playerPosition` playing at
   * `playerRate`, while the room is at `target`. Returns `none` when the player already does
   * the right thing or the last correction is too recent.
   */
  update(
    nowMs: number,
    player: { readonly position: number; readonly rate: number },
    target: { readonly position: number; readonly rate: number },
  ): Correction {
    const correction = correctionFor(player.position - target.position, target, this.rule);
    if (correction.kind === 'rate' && sameRate(correction.rate, player.rate)) return NONE;
    const ending = correction.kind === 'rate' && sameRate(correction.rate, target.rate);
    if (!ending && nowMs - this.#lastCorrectionAt < this.rule.minIntervalMs) return NONE;
    if (!ending) this.#lastCorrectionAt = nowMs;
    return correction;
  }

  /** A control from the room resets the interval: its own seek or rate is not a correction. */
  reset(): void {
    this.#lastCorrectionAt = Number.NEGATIVE_INFINITY;
  }
}

const NONE: Correction = { kind: 'none' };

function sameRate(a: number, b: number): boolean {
  return Math.abs(a - b) < 1e-9;
}
