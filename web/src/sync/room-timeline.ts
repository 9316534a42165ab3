/**
 * The room timeline as a client reads it (the contract's formula): while `playing`, the position
 * at server time T is `position + (T − at) × rate`; before a scheduled `at`, it is `position`.
 * The server's own is src/domain/room/timeline.ts; a test checks that the two agree.
 */

export type RoomPlaybackStatus = 'paused' | 'playing' | 'waiting';

/** The room's `playback` with `at` as server ms since the epoch. */
export interface RoomPlayback {
  readonly status: RoomPlaybackStatus;
  readonly position: number;
  readonly at: number;
  readonly rate: number;
  readonly seq: number;
}

/** `playback` as the room socket sends it (`at` an ISO timestamp with milliseconds). */
export interface WirePlayback extends Omit<RoomPlayback, 'at'> {
  readonly at: string | number;
}

/** A socket `playback` with `at` in ms. */
export function fromWire(playback: WirePlayback): RoomPlayback {
  const at = typeof playback.at === 'number' ? playback.at : Date.parse(playback.at);
  return { ...playback, at };
}

/** The media position (seconds) at server time `serverMs`. */
export function positionAt(playback: RoomPlayback, serverMs: number): number {
  if (playback.status !== 'playing') return playback.position;
  return playback.position + (Math.max(0, serverMs - playback.at) / 1000) * playback.rate;
}

/** Whether the room's media is moving at server time `serverMs` (a scheduled start has come). */
export function isRunning(playback: RoomPlayback, serverMs: number): boolean {
  return playback.status === 'playing' && serverMs >= playback.at;
}
