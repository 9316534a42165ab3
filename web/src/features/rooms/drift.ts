import type { Playback } from '../../api/types';

// Stand-in for the shared drift module (web/src/sync/, branch media-sync) until it lands: the
// contract's correction rule against the server timeline.

const DEAD_BAND_S = 0.1;
const RATE_BAND_S = 2;
const MAX_NUDGE = 0.05;

/** Where the room's timeline is at server time `serverNowMs` (seconds). */
export function positionAt(playback: Playback, serverNowMs: number): number {
  if (playback.status !== 'playing') return playback.position;
  const elapsed = (serverNowMs - Date.parse(playback.at)) / 1000;
  return Math.max(0, playback.position + Math.max(0, elapsed) * playback.rate);
}

export type Correction =
  | { kind: 'none'; rate: number }
  | { kind: 'rate'; rate: number }
  | { kind: 'seek'; position: number; rate: number };

/**
 * What to do about a player at `actual` seconds when the room is at `expected`: under 0.1 s
 * nothing, up to 2 s a playback rate within 0.95–1.05 of the room's, beyond that a seek.
 */
export function correction(actual: number, expected: number, roomRate: number): Correction {
  const drift = actual - expected;
  const size = Math.abs(drift);
  if (size < DEAD_BAND_S) return { kind: 'none', rate: roomRate };
  if (size <= RATE_BAND_S) {
    // Behind → faster, ahead → slower; proportional, so a small drift closes gently.
    const nudge = Math.min(MAX_NUDGE, size / 4) * (drift > 0 ? -1 : 1);
    return { kind: 'rate', rate: roomRate * (1 + nudge) };
  }
  return { kind: 'seek', position: expected, rate: roomRate };
}
