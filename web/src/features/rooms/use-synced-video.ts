import type { RefObject } from 'preact';
import { useEffect } from 'preact/hooks';
import { PlaybackFollower, type Player } from '../../sync/playback-follower';
import { fromWire } from '../../sync/room-timeline';
import type { RoomConnection } from './room-connection';

const TICK_MS = 200;
const STATUS_EVERY_MS = 5_000;

/** The <video> as the shared follower drives it; a refused autoplay falls back to muted. */
function videoPlayer(element: HTMLVideoElement, onBlocked: () => void): Player {
  return {
    get position() {
      return element.currentTime;
    },
    get paused() {
      return element.paused;
    },
    get rate() {
      return element.playbackRate;
    },
    play() {
      element.play().catch((error: unknown) => {
        if (error instanceof DOMException && error.name === 'NotAllowedError' && !element.muted) {
          // Autoplay policy: in step but muted beats out of step; the page offers to unmute.
          element.muted = true;
          onBlocked();
          element.play().catch(() => undefined);
        }
      });
    },
    pause() {
      element.pause();
    },
    seek(position) {
      element.currentTime = Number.isFinite(element.duration)
        ? Math.min(position, element.duration)
        : position;
    },
    setRate(rate) {
      element.playbackRate = rate;
    },
  };
}

/**
 * Keeps the <video> on the room's timeline with the shared sync module (web/src/sync): applies
 * play / pause / seek / rate as the socket delivers them, corrects drift in between, and reports
 * ready / buffering to the room.
 */
export function useSyncedVideo(
  video: RefObject<HTMLVideoElement>,
  connection: RoomConnection,
  onBlocked: () => void,
): void {
  useEffect(() => {
    const element = video.current;
    if (!element) return;
    const follower = new PlaybackFollower(videoPlayer(element, onBlocked), connection.clock);
    const tick = () => {
      // Before the metadata a seek is lost: wait for it (a new quality reloads it too).
      if (element.readyState >= 1) follower.tick(Date.now());
    };
    const unsubscribe = connection.playback.subscribe((playback) => {
      if (playback && follower.receive(fromWire(playback))) tick();
    });
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
