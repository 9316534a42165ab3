/**
 * A discrete-event clock for simulations: `at(t, fn)` runs `fn` when virtual time reaches `t`,
 * in time order (ties in scheduling order). Nothing sleeps: `runUntil` jumps from one event to
 * the next, so minutes of simulated playback take milliseconds.
 */
export class VirtualClock {
  #now = 0;
  #seq = 0;
  /** Pending events sorted by (time, seq); a sorted array is plenty for a few dozen at once. */
  #queue: { time: number; seq: number; run: () => void }[] = [];

  /** Virtual ms since the start. */
  get now(): number {
    return this.#now;
  }

  at(time: number, run: () => void): void {
    const event = { time: Math.max(time, this.#now), seq: this.#seq++, run };
    let low = 0;
    let high = this.#queue.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      const other = this.#queue[mid]!;
      if (other.time < event.time || (other.time === event.time && other.seq < event.seq)) {
        low = mid + 1;
      } else high = mid;
    }
    this.#queue.splice(low, 0, event);
  }

  after(ms: number, run: () => void): void {
    this.at(this.#now + ms, run);
  }

  /** Runs every event due up to `time`, then sets the clock to `time`. */
  runUntil(time: number): void {
    while (this.#queue.length > 0 && this.#queue[0]!.time <= time) {
      const event = this.#queue.shift()!;
      this.#now = event.time;
      event.run();
    }
    this.#now = Math.max(this.#now, time);
  }
}

/** A small seeded PRNG (mulberry32): fast-check draws the seed, so a failure replays exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
