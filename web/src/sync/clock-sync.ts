/**
 * NTP-style clock sync against the room socket's `ping` / `pong`: pure, no DOM and no timers
 * (the caller sends the pings when `nextPingDelayMs` says), so the web client and the Node
 * simulation run the same code.
 *
 * One exchange gives t0 (client sent), t1 (server received), t2 (server sent), t3 (client
 * received): offset = ((t1 − t0) + (t2 − t3)) / 2 is what to add to the client clock to read
 * the server's, delay = (t3 − t0) − (t2 − t1) the round trip spent on the network. The offset's
 * error is at most delay / 2 (all of the asymmetry on one leg), so the lowest-delay sample of
 * the last few is the most trustworthy one (as Jellyfin SyncPlay does).
 */

/** One ping/pong exchange, all times in ms (client clock for t0/t3, server clock for t1/t2). */
export interface ClockSample {
  readonly offsetMs: number;
  readonly delayMs: number;
}

/** What the server's `pong` carries, plus when the client received it (its own clock). */
export interface PongTimes {
  readonly clientSent: number;
  readonly serverReceived: number | string;
  readonly serverSent: number | string;
}

export interface ClockSyncOptions {
  /** How many recent samples to choose the best from. */
  readonly window?: number;
  /** Pings at the short interval until this many samples arrived (a quick first estimate). */
  readonly burst?: number;
  readonly burstIntervalMs?: number;
  readonly steadyIntervalMs?: number;
}

export const CLOCK_SYNC_DEFAULTS = {
  window: 8,
  burst: 5,
  burstIntervalMs: 1000,
  steadyIntervalMs: 30_000,
} as const satisfies Required<ClockSyncOptions>;

/** A server timestamp as ms: the room socket may send ISO strings or epoch numbers. */
export function toMs(time: number | string): number {
  return typeof time === 'number' ? time : Date.parse(time);
}

/** The offset and round-trip delay of one exchange (NTP's formulas). */
export function sampleOf(t0: number, t1: number, t2: number, t3: number): ClockSample {
  return { offsetMs: (t1 - t0 + (t2 - t3)) / 2, delayMs: t3 - t0 - (t2 - t1) };
}

/** The estimate of the server clock from recent pings: the lowest-delay of the last `window`. */
export class ClockSync {
  readonly #options: Required<ClockSyncOptions>;
  #samples: ClockSample[] = [];
  #received = 0;

  constructor(options: ClockSyncOptions = {}) {
    this.#options = { ...CLOCK_SYNC_DEFAULTS, ...options };
  }

  /**
   * Adds the exchange a pong closes; returns its sample, or undefined when it is unusable (a
   * negative delay or non-finite times: a clock that jumped mid-exchange, a forged pong).
   */
  add(pong: PongTimes, receivedAt: number): ClockSample | undefined {
    const sample = sampleOf(
      pong.clientSent,
      toMs(pong.serverReceived),
      toMs(pong.serverSent),
      receivedAt,
    );
    if (!Number.isFinite(sample.offsetMs) || !Number.isFinite(sample.delayMs)) return undefined;
    if (sample.delayMs < 0) return undefined;
    this.#samples = [...this.#samples, sample].slice(-this.#options.window);
    this.#received += 1;
    return sample;
  }

  /** The best sample of the window, or undefined before the first pong. */
  get best(): ClockSample | undefined {
    let best: ClockSample | undefined;
    for (const sample of this.#samples) if (!best || sample.delayMs < best.delayMs) best = sample;
    return best;
  }

  /** Whether at least one exchange has completed (before that, server time is a guess). */
  get synced(): boolean {
    return this.#samples.length > 0;
  }

  /** Add to the client clock to read the server's (0 before the first sample). */
  get offsetMs(): number {
    return this.best?.offsetMs ?? 0;
  }

  /** The round trip of the best sample (what the server schedules controls ahead by). */
  get roundTripMs(): number | undefined {
    return this.best?.delayMs;
  }

  /** The server time at client time `localMs`. */
  serverTime(localMs: number): number {
    return localMs + this.offsetMs;
  }

  /** The client time at server time `serverMs`. */
  localTime(serverMs: number): number {
    return serverMs - this.offsetMs;
  }

  /** How long to wait before the next ping: short until `burst` samples, then long. */
  nextPingDelayMs(): number {
    const { burst, burstIntervalMs, steadyIntervalMs } = this.#options;
    return this.#received < burst ? burstIntervalMs : steadyIntervalMs;
  }

  /** Forgets every sample (after a reconnect the path, and so the delays, may differ). */
  reset(): void {
    this.#samples = [];
    this.#received = 0;
  }
}
