import type { RefObject } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { Playback } from '../../api/types';
import { correction, positionAt } from './drift';
import type { RoomConnection } from './room-connection';

const TICK_MS = 200;
const SETTLE_AFTER_SEEK_MS = 1_500;
const STATUS_EVERY_MS = 5_000;

/**
 * Keeps the <video> on the room's timeline: applies play / pause / seek / rate as they come,
 * corrects drift (rate nudges, or a seek beyond 2 s, at most one seek per 1.5 s), and reports
 * ready / buffering to the room. `onBlocked` is called when the browser refuses to start
 * playback without a gesture (the page then offers a button, muted playback already started).
 */
export function useSyncedVideo(
  video: RefObject<HTMLVideoElement>,
  connection: RoomConnection,
  onBlocked: () => void,
): void {
  const lastSeek = useRef(0);

  useEffect(() => {
    const element = video.current;
    if (!element) return;
    const seekTo = (position: number) => {
      element.currentTime = position;
      lastSeek.current = Date.now();
    };
    const start = () => {
      element.play().catch((error: unknown) => {
        if (error instanceof DOMException && error.name === 'NotAllowedError' && !element.muted) {
          // Autoplay policy: start muted rather than out of step, and let the viewer unmute.
          element.muted = true;
          onBlocked();
          element.play().catch(() => undefined);
        }
      });
    };
    const apply = (playback: Playback) => {
      const now = connection.clock.now();
      const expected = positionAt(playback, now);
      const startsLater = Date.parse(playback.at) > now;
      if (playback.status !== 'playing' || startsLater) {
        if (!element.paused) element.pause();
        if (Math.abs(element.currentTime - expected) > 0.05) seekTo(expected);
        element.playbackRate = playback.rate;
        return;
      }
      if (Number.isFinite(element.duration) && expected >= element.duration) {
        if (!element.paused) element.pause();
        return;
      }
      const fix = correction(element.currentTime, expected, playback.rate);
      const settling = Date.now() - lastSeek.current < SETTLE_AFTER_SEEK_MS;
      if (fix.kind === 'seek' && (!settling || element.paused)) seekTo(fix.position);
      element.playbackRate = fix.rate;
      if (element.paused) start();
    };
    const tick = () => {
      const playback = connection.playback.value;
      if (playback && element.readyState >= 1) apply(playback);
    };
    const unsubscribe = connection.playback.subscribe(() => tick());
    const timer = setInterval(tick, TICK_MS);
    element.addEventListener('loadedmetadata', tick);
    return () => {
      unsubscribe();
      clearInterval(timer);
      element.removeEventListener('loadedmetadata', tick);
    };
  }, [video, connection]);

  useEffect(() => {
    const element = video.current;
    if (!element) return;
    let state: 'ready' | 'buffering' | undefined;
    const report = (next: 'ready' | 'buffering') => {
      state = next;
      connection.status(next, element.currentTime);
    };
    const buffering = () => report('buffering');
    const ready = () => {
      if (element.readyState >= 3) report('ready');
    };
    const every = setInterval(() => state && report(state), STATUS_EVERY_MS);
    element.addEventListener('waiting', buffering);
    element.addEventListener('canplay', ready);
    element.addEventListener('playing', ready);
    element.addEventListener('seeked', ready);
    return () => {
      clearInterval(every);
      element.removeEventListener('waiting', buffering);
      element.removeEventListener('canplay', ready);
      element.removeEventListener('playing', ready);
      element.removeEventListener('seeked', ready);
    };
  }, [video, connection]);
}
