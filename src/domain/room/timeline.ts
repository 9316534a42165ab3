/**
 * The authoritative playback timeline of a watch-together room: pure functions, no clock.
 *
 * A timeline is one segment: at server time `at` (ms since the epoch) the media was at
 * `position` (seconds); while `playing`, it advances at `rate`. A play or seek is scheduled a
 * little ahead (`at` in the future), so every member receives it before it starts and all start
 * the same frame together; until then the position stays put.
 *
 * The room's position is never taken from a member's report (no snapping to the slowest
 * watcher, the Syncplay complaint): members correct themselves against this timeline.
 * Room time only moves forward: each change takes effect no earlier than the previous one.
 */

export type PlaybackStatus = 'paused' | 'playing' | 'waiting';

/** The room's playback timeline; `at` is server time in ms since the epoch. */
export interface Playback {
  readonly status: PlaybackStatus;
  /** Media position in seconds at server time `at`. */
  readonly position: number;
  /** Server time (ms since the epoch) from which this segment holds. */
  readonly at: number;
  readonly rate: number;
  /** Incremented by every change; members apply changes in `seq` order. */
  readonly seq: number;
}

/** A playback control, as a member sends it. */
export type PlaybackControl =
  | { readonly action: 'play' }
  | { readonly action: 'pause' }
  | { readonly action: 'seek'; readonly position: number }
  | { readonly action: 'rate'; readonly rate: number };

/** What a control is applied against, besides the timeline: all supplied by the caller. */
export interface ControlContext {
  /** Server time (ms since the epoch) the control is decided at. */
  readonly now: number;
  /** How far ahead a play or seek takes effect (ms); see `scheduleLead`. */
  readonly leadMs: number;
  /** The media's length in seconds: positions are kept within [0, duration]. */
  readonly durationSeconds?: number;
  /** Whether some member is buffering: a play then waits (`waiting`) instead of starting. */
  readonly someoneBuffering?: boolean;
}

export const MIN_RATE = 0.5;
export const MAX_RATE = 2;
/** Bounds of the schedule lead (ms): never less than a round trip, never a noticeable stall. */
export const MIN_LEAD_MS = 500;
export const MAX_LEAD_MS = 3000;

/** A paused timeline at the start of the media. */
export function initialPlayback(now: number): Playback {
  return { status: 'paused', position: 0, at: now, rate: 1, seq: 0 };
}

/** The media position (seconds) at server time `t`; before a scheduled start, the start position. */
export function positionAt(playback: Playback, t: number, durationSeconds?: number): number {
  const elapsed = playback.status === 'playing' ? Math.max(0, t - playback.at) / 1000 : 0;
  const position = playback.position + elapsed * playback.rate;
  return durationSeconds === undefined ? position : Math.min(position, durationSeconds);
}

/**
 * How far ahead (ms) a play or seek is scheduled: twice the highest member round trip (so the
 * farthest member receives it in time), at least `MIN_LEAD_MS`, at most `MAX_LEAD_MS` (one
 * member on a very bad link must not stall everyone; it catches up by drift correction).
 */
export function scheduleLead(
  roundTripsMs: Iterable<number>,
  bounds = { min: MIN_LEAD_MS, max: MAX_LEAD_MS },
): number {
  let highest = 0;
  for (const rtt of roundTripsMs) if (Number.isFinite(rtt) && rtt > highest) highest = rtt;
  return Math.min(bounds.max, Math.max(bounds.min, Math.ceil(2 * highest)));
}

/** Whether a playing timeline has reached the end of the media at server time `t`. */
export function hasEnded(playback: Playback, t: number, durationSeconds: number): boolean {
  return playback.status === 'playing' && positionAt(playback, t) >= durationSeconds;
}

/** Whether a control's values are within bounds (finite position ≥ 0, rate in [0.5, 2]). */
export function isValidControl(control: PlaybackControl): boolean {
  switch (control.action) {
    case 'seek':
      return Number.isFinite(control.position) && control.position >= 0;
    case 'rate':
      return Number.isFinite(control.rate) && control.rate >= MIN_RATE && control.rate <= MAX_RATE;
    default:
      return true;
  }
}

/**
 * The timeline after `control`, decided at `context.now`; `undefined` when it changes nothing
 * (play while playing, pause while paused, the same rate), so a retry appends nothing.
 * Play and seek while playing take effect at `now + leadMs`; pause and rate at once.
 * Nothing ever takes effect before the previous change (room time only moves forward).
 */
export function applyControl(
  playback: Playback,
  control: PlaybackControl,
  context: ControlContext,
): Playback | undefined {
  const { leadMs, durationSeconds } = context;
  // A change decided before the previous one took effect (a pause during a scheduled start)
  // takes effect at that instant instead: the segments never overlap.
  const now = Math.max(context.now, playback.at);
  const current = positionAt(playback, now, durationSeconds);
  const seq = playback.seq + 1;
  switch (control.action) {
    case 'play':
      if (playback.status !== 'paused') return undefined;
      return context.someoneBuffering
        ? { ...playback, status: 'waiting', position: current, at: now, seq }
        : { ...playback, status: 'playing', position: current, at: now + leadMs, seq };
    case 'pause':
      if (playback.status === 'paused') return undefined;
      return { ...playback, status: 'paused', position: current, at: now, seq };
    case 'seek': {
      const position = clampPosition(control.position, durationSeconds);
      const at = playback.status === 'playing' ? now + leadMs : now;
      return { ...playback, position, at, seq };
    }
    case 'rate':
      if (control.rate === playback.rate) return undefined;
      return { ...playback, position: current, at: now, rate: control.rate, seq };
    default: {
      const unknown: never = control;
      return unknown;
    }
  }
}

/** A waiting timeline starts (at `now + leadMs`) once nobody is waited for any more. */
export function releaseWaiting(
  playback: Playback,
  now: number,
  leadMs: number,
): Playback | undefined {
  if (playback.status !== 'waiting') return undefined;
  const at = Math.max(now, playback.at) + leadMs;
  return { ...playback, status: 'playing', at, seq: playback.seq + 1 };
}

/** A playing timeline stopped at the end of the media (or wherever it is at `now`). */
export function stopAt(playback: Playback, now: number, durationSeconds?: number): Playback {
  const at = Math.max(now, playback.at);
  return {
    ...playback,
    status: 'paused',
    position: positionAt(playback, at, durationSeconds),
    at,
    seq: playback.seq + 1,
  };
}

function clampPosition(position: number, durationSeconds?: number): number {
  const nonNegative = Math.max(0, position);
  return durationSeconds === undefined ? nonNegative : Math.min(nonNegative, durationSeconds);
}
