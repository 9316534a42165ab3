/**
 * The tracking SDK: batches events in memory and sends them to `POST /api/track/batch`, every
 * `flushIntervalMs`, as soon as `maxBatch` events wait, and with `navigator.sendBeacon` when the
 * page is hidden or left. Pure TypeScript over an injected environment (fetch, beacon, clock,
 * ids, storage), so it runs in node tests with fakes. A failed send is retried later with the
 * same messageIds: the server stores each once, so a retry is always safe.
 */

/** What the SDK needs from its surroundings (the browser's in production). */
export interface TrackerEnv {
  readonly fetch: (
    url: string,
    init: { method: string; headers: Record<string, string>; body: string; keepalive: boolean },
  ) => Promise<{ status: number; headers: { get(name: string): string | null } }>;
  /** `navigator.sendBeacon`, where there is one; false when the browser refused to queue it. */
  readonly sendBeacon?: (url: string, body: string) => boolean;
  readonly now: () => number;
  readonly randomId: () => string;
  /** The signed-in user's token, if any (beacons cannot send it: they stay anonymous). */
  readonly token?: () => string | undefined;
  /** Keeps events that a closing page could not send, for the next visit. */
  readonly storage?: { get(): string | null; set(value: string): void };
}

export interface TrackerOptions {
  readonly endpoint?: string;
  readonly flushIntervalMs?: number;
  readonly maxBatch?: number;
  /** Events kept at most while the server cannot be reached; the oldest are dropped beyond. */
  readonly maxQueue?: number;
  readonly anonymousId?: string;
  readonly sessionId?: string;
}

/** One event as the API takes it. */
export interface TrackedEvent {
  readonly messageId: string;
  readonly type: string;
  readonly timestamp: string;
  readonly anonymousId?: string;
  readonly sessionId?: string;
  readonly page?: { path: string; referrer?: string };
  readonly properties: Record<string, unknown>;
}

const MAX_BACKOFF_MS = 60_000;

export class Tracker {
  private queue: TrackedEvent[] = [];
  private sending = false;
  private failures = 0;
  private retryAt = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private page: { path: string; title?: string; since: number } | undefined;
  private readonly endpoint: string;
  private readonly maxBatch: number;
  private readonly maxQueue: number;

  constructor(
    private readonly env: TrackerEnv,
    private readonly options: TrackerOptions = {},
  ) {
    this.endpoint = options.endpoint ?? '/api/track/batch';
    this.maxBatch = options.maxBatch ?? 20;
    this.maxQueue = options.maxQueue ?? 1_000;
    this.restore();
  }

  /** Events waiting to be sent. */
  get pending(): readonly TrackedEvent[] {
    return this.queue;
  }

  /** Starts the periodic flush. */
  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.options.flushIntervalMs ?? 5_000);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Records an event; sends a batch at once when `maxBatch` events wait. */
  track(type: string, properties: Record<string, unknown>): void {
    const { anonymousId, sessionId } = this.options;
    this.queue.push({
      messageId: this.env.randomId(),
      type,
      timestamp: new Date(this.env.now()).toISOString(),
      ...(anonymousId ? { anonymousId } : {}),
      ...(sessionId ? { sessionId } : {}),
      ...(this.page ? { page: { path: this.page.path } } : {}),
      properties,
    });
    if (this.queue.length > this.maxQueue) this.queue.splice(0, this.queue.length - this.maxQueue);
    if (this.queue.length >= this.maxBatch) void this.flush();
  }

  /** A page was entered: ends the previous one (with its time on page) and records a view. */
  pageView(path: string, title?: string): void {
    if (this.page?.path === path) return;
    this.leavePage();
    this.page = { path, ...(title ? { title } : {}), since: this.env.now() };
    this.track('page_view', { path, ...(title ? { title } : {}) });
  }

  /** The page is hidden or left: its time on page, then everything waiting, by beacon. */
  hidden(): void {
    this.leavePage();
    this.beacon();
  }

  /** The page is visible again: time on page counts anew from now. */
  visible(path: string, title?: string): void {
    if (this.page === undefined)
      this.page = { path, ...(title ? { title } : {}), since: this.env.now() };
  }

  /** Sends up to `maxBatch` waiting events; kept for a retry when the server does not take them. */
  async flush(): Promise<void> {
    if (this.sending || this.queue.length === 0 || this.env.now() < this.retryAt) return;
    this.sending = true;
    const batch = this.queue.slice(0, this.maxBatch);
    try {
      const token = this.env.token?.();
      const response = await this.env.fetch(this.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: this.body(batch),
        keepalive: true,
      });
      if (response.status === 202 || (response.status >= 400 && response.status < 429)) {
        // Stored, or refused for good (a bad event would be refused again): either way done.
        this.remove(batch);
        this.failures = 0;
        this.retryAt = 0;
      } else {
        this.backOff(response.headers.get('retry-after'));
      }
    } catch {
      this.backOff(null);
    } finally {
      this.sending = false;
    }
    if (this.queue.length >= this.maxBatch && this.retryAt === 0) await this.flush();
  }

  private leavePage(): void {
    const page = this.page;
    if (page === undefined) return;
    this.page = undefined;
    const durationMs = Math.max(0, Math.round(this.env.now() - page.since));
    const { anonymousId, sessionId } = this.options;
    this.queue.push({
      messageId: this.env.randomId(),
      type: 'page_view',
      timestamp: new Date(this.env.now()).toISOString(),
      ...(anonymousId ? { anonymousId } : {}),
      ...(sessionId ? { sessionId } : {}),
      page: { path: page.path },
      properties: { path: page.path, ...(page.title ? { title: page.title } : {}), durationMs },
    });
  }

  /**
   * A closing page cannot await a response: the waiting events go by beacon (text/plain, in
   * batches the server accepts) and are also kept in storage, to be sent again on the next
   * visit — a duplicate of a beacon that did arrive is stored once.
   */
  private beacon(): void {
    if (this.queue.length === 0) return;
    const send = this.env.sendBeacon;
    if (send) {
      for (let i = 0; i < this.queue.length; i += this.maxBatch) {
        if (!send(this.endpoint, this.body(this.queue.slice(i, i + this.maxBatch)))) break;
      }
    }
    this.env.storage?.set(JSON.stringify(this.queue));
  }

  private body(events: readonly TrackedEvent[]): string {
    return JSON.stringify({ sentAt: new Date(this.env.now()).toISOString(), events });
  }

  private remove(sent: readonly TrackedEvent[]): void {
    const ids = new Set(sent.map((event) => event.messageId));
    this.queue = this.queue.filter((event) => !ids.has(event.messageId));
    this.env.storage?.set(JSON.stringify(this.queue));
  }

  private backOff(retryAfter: string | null): void {
    this.failures += 1;
    const seconds = Number(retryAfter);
    const exponential = Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** (this.failures - 1));
    const wait = Number.isFinite(seconds) && seconds > 0 ? seconds * 1_000 : exponential;
    this.retryAt = this.env.now() + wait;
  }

  private restore(): void {
    try {
      const saved = JSON.parse(this.env.storage?.get() ?? '[]') as unknown;
      if (Array.isArray(saved)) this.queue = (saved as TrackedEvent[]).slice(-this.maxQueue);
    } catch {
      // A damaged store is dropped: tracking must never break the page.
    }
  }
}
