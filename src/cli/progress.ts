const WIDTH = 24;

/** A progress line on stderr: a bar when the total is known, and the rate in events/s. */
export class Progress {
  readonly #started = performance.now();
  #shownAt = this.#started;

  constructor(
    private readonly write: (text: string) => void,
    private readonly tty: boolean,
    private readonly total: number | undefined,
    private readonly label = 'replay',
  ) {}

  /** Redraws at most every 100 ms on a terminal, every 2 s in a log. */
  update(done: number): void {
    const now = performance.now();
    if (now - this.#shownAt < (this.tty ? 100 : 2_000)) return;
    this.#shownAt = now;
    this.write(this.tty ? `\r${this.#line(done)}\x1b[K` : `${this.#line(done)}\n`);
  }

  /** The final line; returns the elapsed seconds and the rate. */
  finish(done: number): { seconds: number; rate: number } {
    const seconds = this.#seconds();
    this.write(this.tty ? `\r${this.#line(done)}\x1b[K\n` : `${this.#line(done)}\n`);
    return { seconds, rate: rateOf(done, seconds) };
  }

  #seconds(): number {
    return (performance.now() - this.#started) / 1000;
  }

  #line(done: number): string {
    const rate = Math.round(rateOf(done, this.#seconds()));
    const count = `${done} events · ${rate} events/s`;
    if (this.total === undefined || this.total === 0) return `${this.label} ${count}`;
    const share = Math.min(1, done / this.total);
    const filled = Math.round(share * WIDTH);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}`;
    return `${this.label} [${bar}] ${Math.round(share * 100)}% ${count}`;
  }
}

/** Events per second, 0 before any time has passed. */
export function rateOf(events: number, seconds: number): number {
  return seconds > 0 ? events / seconds : 0;
}
