import { setTimeout as sleep } from 'node:timers/promises';

/** Something that runs beside the API in a projecting process (ROLE all or project). */
export interface BackgroundService {
  start(): Promise<void>;
  /** Stops gracefully; services stop in reverse order of start. */
  stop(): Promise<void>;
}

/** How a {@link PollingService} paces itself and reports a failed pass. */
export interface Polling {
  readonly pollMs: number;
  readonly log: { error(fields: object, message: string): void };
  /** Names the service in the log line of a failed pass. */
  readonly what: string;
  /** Tick again at once while a pass did some work (a full page may leave more due). */
  readonly drain?: boolean;
}

/**
 * A service that works from the read models on a timer (hold expiry, room closer, webhook
 * and mail outboxes): `tick()` every `pollMs` until stopped. A failed pass is logged and retried on the
 * next tick, never ends the loop; stop waits for the pass in progress.
 */
export abstract class PollingService implements BackgroundService {
  readonly #stopping = new AbortController();
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  constructor(private readonly polling: Polling) {}

  /** One pass over what is due now; resolves how much it did. */
  abstract tick(): Promise<number>;

  /** Aborted once stop was called: long passes check it between pages. */
  protected get stopping(): AbortSignal {
    return this.#stopping.signal;
  }

  async start(): Promise<void> {
    this.#loop ??= this.#run(this.#stopping.signal);
  }

  async stop(): Promise<void> {
    this.#stopping.abort();
    this.#wake?.();
    await this.#loop;
  }

  /** Runs the next pass now rather than at the next tick (e.g. work was just queued). */
  wake(): void {
    this.#wake?.();
  }

  async #run(signal: AbortSignal): Promise<void> {
    const { pollMs, log, what, drain = false } = this.polling;
    while (!signal.aborted) {
      try {
        while ((await this.tick()) > 0 && drain && !signal.aborted) {
          // More may be due: go on without pausing.
        }
      } catch (error) {
        log.error({ err: error }, `${what} failed; retrying on the next tick`);
      }
      if (signal.aborted) return;
      const woken = new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      await Promise.race([woken, sleep(pollMs, undefined, { signal }).catch(() => undefined)]);
      this.#wake = undefined;
    }
  }
}
