import {
  applyControl,
  initialPlayback,
  isValidControl,
  type Playback,
  type PlaybackControl,
  positionAt,
  releaseWaiting,
  scheduleLead,
} from '../../src/domain/room/timeline.js';
import { ClockSync } from '../../web/src/sync/clock-sync.js';
import type { DriftRule } from '../../web/src/sync/drift-correction.js';
import { PlaybackFollower, type Player } from '../../web/src/sync/playback-follower.js';
import type { VirtualClock } from './virtual-clock.js';

/**
 * A watch-together room simulated in virtual time: a server applying controls with the real
 * timeline module, members on links with delay and jitter, each with its own skewed clock, a
 * media player that runs slightly fast or slow and stalls on seeks and buffering, and the real
 * client sync modules (ClockSync, PlaybackFollower) keeping it on the room timeline.
 */

/** One member's network, clock and player. */
export interface MemberSpec {
  /** Base one-way delays (ms); each message adds up to `jitterMs` on top. */
  readonly upMs: number;
  readonly downMs: number;
  readonly jitterMs: number;
  /** The member's clock reads server time + this (ms) … */
  readonly clockOffsetMs: number;
  /** … and runs this many ppm fast (negative: slow). */
  readonly clockSkewPpm: number;
  /** The media clock runs this much fast (0.002 = 0.2 %) relative to the member's clock. */
  readonly mediaSpeedError: number;
}

export interface RoomSimOptions {
  readonly bufferingTimeoutMs: number;
  /** Chance that a member buffers after a seek, and for how long at most (ms). */
  readonly bufferChance: number;
  readonly maxBufferingMs: number;
  /** Follower ticks (ms of member time). */
  readonly tickMs: number;
  /** The members' drift rule (default: the contract's). */
  readonly rule?: DriftRule;
}

/** In-order delivery with delay and jitter, as on one WebSocket (TCP) connection. */
class Link {
  #last = 0;
  constructor(
    private readonly clock: VirtualClock,
    private readonly baseMs: number,
    private readonly jitterMs: number,
    private readonly random: () => number,
  ) {}

  send(deliver: () => void): void {
    const arrival = this.clock.now + this.baseMs + this.random() * this.jitterMs;
    this.#last = Math.max(this.#last, arrival);
    this.clock.at(this.#last, deliver);
  }
}

/** A media element on virtual time: stalls while seeking or buffering. */
class SimMedia implements Player {
  #position = 0;
  #since = 0;
  #stalledUntil = 0;
  #paused = true;
  #rate = 1;
  #buffering = false;
  seeks = 0;
  rateChanges = 0;

  constructor(
    private readonly clock: VirtualClock,
    private readonly speed: number,
    private readonly seekStallMs: () => number,
  ) {}

  get position(): number {
    if (this.#paused || this.#buffering) return this.#position;
    const from = Math.max(this.#since, this.#stalledUntil);
    return this.#position + (Math.max(0, this.clock.now - from) / 1000) * this.#rate * this.speed;
  }
  get paused(): boolean {
    return this.#paused;
  }
  get rate(): number {
    return this.#rate;
  }
  get buffering(): boolean {
    return this.#buffering;
  }
  #settle(): void {
    this.#position = this.position;
    this.#since = this.clock.now;
  }
  play(): void {
    this.#settle();
    this.#paused = false;
  }
  pause(): void {
    this.#settle();
    this.#paused = true;
  }
  seek(position: number): void {
    this.#settle();
    this.#position = position;
    this.#stalledUntil = this.clock.now + this.seekStallMs();
    this.seeks += 1;
  }
  setRate(rate: number): void {
    this.#settle();
    this.#rate = rate;
    this.rateChanges += 1;
  }
  setBuffering(buffering: boolean): void {
    this.#settle();
    this.#buffering = buffering;
  }
}

/** A member: its links, clock, player and the client modules under test. */
export class SimMember {
  readonly media: SimMedia;
  readonly sync = new ClockSync();
  readonly follower: PlaybackFollower;
  readonly up: Link;
  readonly down: Link;
  /** Virtual time its last buffering ended (it may lag the room until corrected). */
  bufferingEndedAt = Number.NEGATIVE_INFINITY;
  /** Longest time it saw the room `waiting` (ms), and since when it sees it now. */
  longestWaitMs = 0;
  #waitingSince: number | undefined;
  #pingId = 0;

  constructor(
    readonly index: number,
    readonly spec: MemberSpec,
    private readonly clock: VirtualClock,
    private readonly server: SimServer,
    private readonly random: () => number,
    private readonly options: RoomSimOptions,
  ) {
    this.up = new Link(clock, spec.upMs, spec.jitterMs, random);
    this.down = new Link(clock, spec.downMs, spec.jitterMs, random);
    this.media = new SimMedia(clock, 1 + spec.mediaSpeedError, () => random() * 150);
    this.follower = new PlaybackFollower(this.media, this.sync, options.rule);
  }

  /** The member's own clock (ms): offset and skewed from server (= virtual) time. */
  localNow(): number {
    const t = this.clock.now;
    return t + this.spec.clockOffsetMs + (t * this.spec.clockSkewPpm) / 1e6;
  }

  start(): void {
    this.#ping();
    this.#tick();
  }

  #ping(): void {
    const id = ++this.#pingId;
    const clientSent = this.localNow();
    this.up.send(() => this.server.onPing(this, id, clientSent));
    this.clock.after(this.sync.nextPingDelayMs(), () => this.#ping());
  }

  onPong(pong: { clientSent: number; serverReceived: number; serverSent: number }): void {
    this.sync.add(pong, this.localNow());
  }

  #tick(): void {
    this.#follow();
    this.clock.after(this.options.tickMs, () => this.#tick());
  }

  /** Follows the room now, and wakes up exactly for a scheduled start. */
  #follow(): void {
    const local = this.localNow();
    this.follower.tick(local);
    const wake = this.follower.nextWakeMs(local);
    if (wake !== undefined)
      this.clock.after(wake - local, () => this.follower.tick(this.localNow()));
  }

  onPlayback(playback: Playback, seek: boolean): void {
    this.follower.receive(playback);
    // How long each `waiting` it received lasted before the next change reached it.
    if (this.#waitingSince !== undefined) {
      this.longestWaitMs = Math.max(this.longestWaitMs, this.clock.now - this.#waitingSince);
    }
    this.#waitingSince = playback.status === 'waiting' ? this.clock.now : undefined;
    this.#follow();
    if (seek && !this.media.buffering && this.random() < this.options.bufferChance) {
      this.#buffer(500 + this.random() * (this.options.maxBufferingMs - 500));
    }
  }

  /** Stalls for `ms` (a slow download), telling the room `buffering` then `ready`. */
  #buffer(ms: number): void {
    this.media.setBuffering(true);
    this.up.send(() => this.server.onStatus(this, 'buffering'));
    this.clock.after(ms, () => {
      this.media.setBuffering(false);
      this.bufferingEndedAt = this.clock.now;
      this.up.send(() => this.server.onStatus(this, 'ready'));
    });
  }

  /** Sends a control to the room (the server receives it after the up delay). */
  control(control: PlaybackControl): void {
    this.up.send(() => this.server.onControl(control));
  }
}

/** The room's server: the authoritative timeline, buffering waits, RTTs for the lead. */
export class SimServer {
  playback: Playback;
  /** When each change was decided and when it takes effect (virtual ms). */
  readonly changes: { decidedAt: number; effectiveAt: number; playback: Playback }[] = [];
  /** How long the room stayed `waiting` after each change that left it waiting (ms). */
  readonly waits: number[] = [];
  readonly members: SimMember[] = [];
  readonly #roundTrips = new Map<SimMember, number>();
  readonly #bufferingSince = new Map<SimMember, number>();

  constructor(
    private readonly clock: VirtualClock,
    private readonly options: RoomSimOptions,
    readonly durationSeconds: number,
  ) {
    this.playback = initialPlayback(clock.now);
    this.#tick();
  }

  join(member: SimMember): void {
    this.members.push(member);
    member.down.send(() => member.onPlayback(this.playback, false));
    this.#measure(member);
  }

  /** Where the room is now (seconds). */
  position(): number {
    return positionAt(this.playback, this.clock.now, this.durationSeconds);
  }

  /** The server measures each member's round trip (as WebSocket ping frames would). */
  #measure(member: SimMember): void {
    const sent = this.clock.now;
    member.down.send(() =>
      member.up.send(() => this.#roundTrips.set(member, this.clock.now - sent)),
    );
    this.clock.after(2000, () => this.#measure(member));
  }

  onPing(member: SimMember, id: number, clientSent: number): void {
    const serverReceived = this.clock.now;
    void id;
    member.down.send(() =>
      member.onPong({ clientSent, serverReceived, serverSent: serverReceived }),
    );
  }

  #someoneWaitedFor(): boolean {
    for (const since of this.#bufferingSince.values()) {
      if (this.clock.now - since < this.options.bufferingTimeoutMs) return true;
    }
    return false;
  }

  onControl(control: PlaybackControl): void {
    if (!isValidControl(control)) return;
    const next = applyControl(this.playback, control, {
      now: this.clock.now,
      leadMs: scheduleLead(this.#roundTrips.values()),
      durationSeconds: this.durationSeconds,
      someoneBuffering: this.#someoneWaitedFor(),
    });
    if (next) this.#change(next, control.action === 'seek');
  }

  onStatus(member: SimMember, state: 'ready' | 'buffering'): void {
    if (state === 'buffering') this.#bufferingSince.set(member, this.clock.now);
    else this.#bufferingSince.delete(member);
  }

  /** Releases `waiting` once nobody is waited for (ready, or buffering past the timeout). */
  #tick(): void {
    if (this.playback.status === 'waiting' && !this.#someoneWaitedFor()) {
      const next = releaseWaiting(
        this.playback,
        this.clock.now,
        scheduleLead(this.#roundTrips.values()),
      );
      if (next) this.#change(next, false);
    }
    this.clock.after(100, () => this.#tick());
  }

  #change(next: Playback, seek: boolean): void {
    const previous = this.changes.at(-1);
    if (this.playback.status === 'waiting' && previous) {
      this.waits.push(this.clock.now - previous.decidedAt);
    }
    this.playback = next;
    const effectiveAt = Math.max(this.clock.now, next.at);
    this.changes.push({ decidedAt: this.clock.now, effectiveAt, playback: next });
    for (const member of this.members) member.down.send(() => member.onPlayback(next, seek));
  }
}
