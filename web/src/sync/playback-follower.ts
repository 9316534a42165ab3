import type { ClockSync } from './clock-sync.js';
import { type Correction, DRIFT_RULE, DriftCorrector, type DriftRule } from './drift-correction.js';
import { isRunning, positionAt, type RoomPlayback } from './room-timeline.js';

/** The media element as the follower drives it (an HTMLVideoElement adapter, or a simulation). */
export interface Player {
  /** Current media position, seconds. */
  readonly position: number;
  readonly paused: boolean;
  readonly rate: number;
  play(): void;
  pause(): void;
  seek(position: number): void;
  setRate(rate: number): void;
}

/**
 * Keeps a player on the room timeline: applies each `playback` the socket delivers (in `seq`
 * order) at the server time it takes effect, and in between corrects drift by the contract's
 * rule. Call `tick` every few hundred ms, and at `nextWakeMs` for a scheduled start.
 */
export class PlaybackFollower {
  #playback: RoomPlayback | undefined;
  readonly #corrector: DriftCorrector;
  /** The last correction applied (for a debug overlay, and the tests). */
  lastCorrection: Correction = { kind: 'none' };

  constructor(
    private readonly player: Player,
    private readonly clock: ClockSync,
    private readonly rule: DriftRule = DRIFT_RULE,
  ) {
    this.#corrector = new DriftCorrector(rule);
  }

  get playback(): RoomPlayback | undefined {
    return this.#playback;
  }

  /** A `playback` (or a snapshot's) from the socket; an older or repeated `seq` is ignored. */
  receive(playback: RoomPlayback): boolean {
    if (this.#playback && playback.seq <= this.#playback.seq) return false;
    this.#playback = playback;
    // A control is not a correction: the next tick may act on it at once.
    this.#corrector.reset();
    return true;
  }

  /** Where the room is at client time `localMs`, or undefined before the first playback. */
  targetAt(localMs: number): number | undefined {
    const playback = this.#playback;
    return playback && positionAt(playback, this.clock.serverTime(localMs));
  }

  /** Client time of the next scheduled start still to come, if any. */
  nextWakeMs(localMs: number): number | undefined {
    const playback = this.#playback;
    if (playback?.status !== 'playing') return undefined;
    const start = this.clock.localTime(playback.at);
    return start > localMs ? start : undefined;
  }

  /** Brings the player in line with the room at client time `localMs`. */
  tick(localMs: number): void {
    const playback = this.#playback;
    if (!playback) return;
    const serverMs = this.clock.serverTime(localMs);
    const target = positionAt(playback, serverMs);
    const { player } = this;
    if (!isRunning(playback, serverMs)) {
      // Paused, waiting, or a start still to come: hold still exactly where the room is.
      if (!player.paused) player.pause();
      if (Math.abs(player.position - target) > this.rule.deadBandSeconds / 2) player.seek(target);
      if (player.rate !== playback.rate) player.setRate(playback.rate);
      return;
    }
    if (player.paused) {
      // The start has come: go from exactly where the room is now.
      if (Math.abs(player.position - target) > this.rule.deadBandSeconds / 2) player.seek(target);
      if (player.rate !== playback.rate) player.setRate(playback.rate);
      player.play();
      return;
    }
    const correction = this.#corrector.update(
      localMs,
      { position: player.position, rate: player.rate },
      { position: target, rate: playback.rate },
    );
    if (correction.kind === 'rate') player.setRate(correction.rate);
    else if (correction.kind === 'seek') player.seek(correction.position);
    if (correction.kind !== 'none') this.lastCorrection = correction;
  }
}
