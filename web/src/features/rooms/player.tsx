import { useEffect, useRef, useState } from 'preact/hooks';
import { session } from '../../session/session';
import { fromWire, positionAt } from '../../sync/room-timeline';
import type { RoomConnection } from './room-connection';
import { useSyncedVideo } from './use-synced-video';

const RATES = [0.5, 0.75, 1, 1.25, 1.5, 2];
const SKIP_S = 10;

export function clockText(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  const m = Math.floor(whole / 60);
  const s = String(whole % 60).padStart(2, '0');
  return `${m}:${s}`;
}

interface PlayerProps {
  connection: RoomConnection;
  filmId: string;
  title: string;
  qualities: string[];
  /** False in a locked room for everyone but the host. */
  canControl: boolean;
}

/**
 * The room's player: the <video> follows the server's timeline; the buttons send controls to
 * the room and change nothing locally until the server answers (its timeline is the truth).
 */
export function Player({ connection, filmId, title, qualities, canControl }: PlayerProps) {
  const video = useRef<HTMLVideoElement>(null);
  const [quality, setQuality] = useState(qualities[0] ?? '360p');
  const [muted, setMuted] = useState(false);
  const [captions, setCaptions] = useState<string>();
  const [now, setNow] = useState(0);
  const [duration, setDuration] = useState(0);
  useSyncedVideo(video, connection, () => setMuted(true));

  // The shown time follows the video (a slider that moves on its own is still operable).
  useEffect(() => {
    const timer = setInterval(() => {
      const element = video.current;
      if (!element) return;
      setNow(element.currentTime);
      if (Number.isFinite(element.duration)) setDuration(element.duration);
    }, 250);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => () => captions && URL.revokeObjectURL(captions), [captions]);

  const playback = connection.playback.value;
  const running = playback?.status === 'playing' || playback?.status === 'waiting';
  const here = () =>
    playback
      ? positionAt(fromWire(playback), connection.clock.serverTime(Date.now()))
      : (video.current?.currentTime ?? 0);
  const seek = (position: number) =>
    connection.control('seek', { position: Math.max(0, Math.min(position, duration || position)) });

  // A new quality is a new file: the timeline puts it back at the room's position.
  const token = session.token.value ?? '';
  const src = `/media/${filmId}/${quality}?token=${encodeURIComponent(token)}`;

  return (
    <div class="player">
      {/* biome-ignore lint/a11y/useMediaCaption: captions are the viewer's own .vtt (below); the API serves none */}
      <video
        ref={video}
        src={src}
        preload="auto"
        playsInline
        aria-label={`${title}, shared playback`}
        data-testid="room-video"
      >
        {captions && <track kind="captions" src={captions} srcLang="en" label="Captions" default />}
      </video>
      {muted && (
        <button
          type="button"
          class="secondary"
          onClick={() => {
            if (video.current) video.current.muted = false;
            setMuted(false);
          }}
        >
          Unmute (the browser started playback muted)
        </button>
      )}
      <fieldset class="player-controls">
        <legend class="visually-hidden">Playback</legend>
        <button
          type="button"
          aria-disabled={!canControl}
          onClick={() =>
            canControl && connection.control(running ? 'pause' : 'play', { position: here() })
          }
        >
          {running ? 'Pause' : 'Play'}
        </button>
        <button
          type="button"
          class="secondary"
          aria-disabled={!canControl}
          onClick={() => canControl && seek(here() - SKIP_S)}
        >
          Back {SKIP_S} s
        </button>
        <button
          type="button"
          class="secondary"
          aria-disabled={!canControl}
          onClick={() => canControl && seek(here() + SKIP_S)}
        >
          Forward {SKIP_S} s
        </button>
        <label class="grow">
          <span class="visually-hidden">Position</span>
          <input
            type="range"
            min={0}
            max={Math.max(1, Math.floor(duration))}
            step={1}
            value={Math.floor(now)}
            disabled={!canControl}
            aria-valuetext={`${clockText(now)} of ${clockText(duration)}`}
            onChange={(event) => seek(Number(event.currentTarget.value))}
          />
        </label>
        <span class="time" data-testid="room-time">
          {clockText(now)} / {clockText(duration)}
        </span>
        <label>
          Speed
          <select
            value={String(playback?.rate ?? 1)}
            disabled={!canControl}
            onChange={(event) =>
              connection.control('rate', { rate: Number(event.currentTarget.value) })
            }
          >
            {RATES.map((rate) => (
              <option key={rate} value={String(rate)}>
                {rate}×
              </option>
            ))}
          </select>
        </label>
        <label>
          Quality
          <select value={quality} onChange={(event) => setQuality(event.currentTarget.value)}>
            {qualities.map((q) => (
              <option key={q} value={q}>
                {q}
              </option>
            ))}
          </select>
        </label>
        <label>
          Captions (.vtt)
          <input
            type="file"
            accept=".vtt,text/vtt"
            onChange={(event) => {
              const file = event.currentTarget.files?.[0];
              setCaptions(file ? URL.createObjectURL(file) : undefined);
            }}
          />
        </label>
      </fieldset>
      <p class="muted" role="status" data-testid="playback-status">
        {playback?.status === 'waiting'
          ? 'Waiting for everyone to be ready…'
          : playback?.status === 'playing'
            ? 'Playing for everyone'
            : 'Paused for everyone'}
        {!canControl && ' · only the host controls playback'}
      </p>
    </div>
  );
}
