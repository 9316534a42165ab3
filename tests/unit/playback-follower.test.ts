import { describe, expect, it } from 'vitest';
import { ClockSync } from '../../web/src/sync/clock-sync.js';
import { PlaybackFollower, type Player } from '../../web/src/sync/playback-follower.js';
import { fromWire } from '../../web/src/sync/room-timeline.js';

/** A player that does what it is told, at once, and records it. */
class FakePlayer implements Player {
  position = 0;
  paused = true;
  rate = 1;
  readonly calls: string[] = [];
  play() {
    this.paused = false;
    this.calls.push('play');
  }
  pause() {
    this.paused = true;
    this.calls.push('pause');
  }
  seek(position: number) {
    this.position = position;
    this.calls.push(`seek ${position}`);
  }
  setRate(rate: number) {
    this.rate = rate;
    this.calls.push(`rate ${rate}`);
  }
}

/** A clock whose server is 5 s ahead of the client, measured over a symmetric 40 ms path. */
function syncedClock(): ClockSync {
  const clock = new ClockSync();
  clock.add({ clientSent: 0, serverReceived: 5020, serverSent: 5020 }, 40);
  return clock;
}

describe('PlaybackFollower', () => {
  it('holds at the position until a scheduled start, then starts exactly then', () => {
    const player = new FakePlayer();
    const follower = new PlaybackFollower(player, syncedClock());
    // Server time 10 000: play from 42 s. Client time 5 000 is that instant.
    follower.receive(fromWire({ status: 'playing', position: 42, at: 10_000, rate: 1.25, seq: 3 }));
    expect(follower.nextWakeMs(4000)).toBe(5000);
    follower.tick(4000);
    expect(player.paused).toBe(true);
    expect(player.position).toBe(42);
    expect(player.rate).toBe(1.25);
    follower.tick(5000);
    expect(player.paused).toBe(false);
    expect(player.calls).toEqual(['seek 42', 'rate 1.25', 'play']);
    expect(follower.targetAt(7000)).toBe(42 + 2 * 1.25);
  });

  it('ignores a playback it already has or an older one (a resume snapshot may repeat)', () => {
    const follower = new PlaybackFollower(new FakePlayer(), syncedClock());
    const playback = { status: 'paused' as const, position: 1, at: 0, rate: 1, seq: 5 };
    expect(follower.receive(playback)).toBe(true);
    expect(follower.receive({ ...playback, position: 9 })).toBe(false);
    expect(follower.receive({ ...playback, seq: 4 })).toBe(false);
    expect(follower.playback?.position).toBe(1);
  });

  it('pauses and goes back to the exact position when the room pauses', () => {
    const player = new FakePlayer();
    const follower = new PlaybackFollower(player, syncedClock());
    Object.assign(player, { position: 10.3, paused: false });
    follower.receive({ status: 'paused', position: 10, at: 9000, rate: 1, seq: 1 });
    follower.tick(4500);
    expect(player.paused).toBe(true);
    expect(player.position).toBe(10);
  });

  it('corrects drift while playing: rate for a small one, seek for a large one', () => {
    const player = new FakePlayer();
    const follower = new PlaybackFollower(player, syncedClock());
    follower.receive({ status: 'playing', position: 0, at: 5000, rate: 1, seq: 1 });
    Object.assign(player, { position: 10.5, paused: false });
    follower.tick(10_000); // the room is at 10 s: 0.5 s ahead
    expect(player.rate).toBe(0.95);
    player.position = 20;
    follower.tick(10_500); // too soon after the last correction
    expect(player.position).toBe(20);
    follower.tick(12_000); // the room is at 12 s: 8 s ahead
    expect(player.position).toBe(12);
    expect(follower.lastCorrection).toEqual({ kind: 'seek', position: 12 });
  });

  it('reads the socket’s ISO `at`', () => {
    expect(
      fromWire({ status: 'paused', position: 0, at: '2030-01-01T00:00:01.500Z', rate: 1, seq: 0 })
        .at,
    ).toBe(Date.UTC(2030, 0, 1) + 1500);
  });
});
