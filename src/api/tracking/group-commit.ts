import type { TrackingRow } from '../../projections/tracking/tracking-rows.js';
import { ApiError } from '../api-error.js';

/** How one request's events fared. */
export interface TrackOutcome {
  readonly accepted: number;
  readonly duplicates: number;
}

export interface GroupCommitOptions {
  /** Writes rows (no repeated message id) in one statement; resolves to the ids it stored. */
  readonly write: (rows: readonly TrackingRow[]) => Promise<Set<string>>;
  /** How long the first request of a group waits for others to join it. */
  readonly windowMs: number;
  /** A group is written at once when it reaches this many events. */
  readonly maxBatchEvents: number;
  /** Events waiting or being written, at most; past it requests are refused with 503. */
  readonly maxBufferedEvents: number;
  /** Groups written at once (connections used). */
  readonly maxConcurrentWrites: number;
  /** What a refused client is told to wait, in seconds. */
  readonly retryAfterSeconds: number;
  /** Told of a failed write (the requests of its group are refused with 503). */
  readonly onError?: (error: unknown) => void;
  /** Told of events refused with 503 (buffer full, shutting down or a failed write). */
  readonly onRefused?: (events: number) => void;
}

interface Pending {
  readonly rows: readonly TrackingRow[];
  resolve(outcome: TrackOutcome): void;
  reject(error: unknown): void;
}

/**
 * Group commit for tracking events: concurrent requests' events are gathered for `windowMs`
 * (or until a group is full) and written in one statement; each request is answered when its
 * rows are committed. The buffer is bounded: when it is full (the database is slower than the
 * load) new requests are refused with 503 + Retry-After, nothing is dropped silently.
 * Hand-written: no npm library batches promises with a byte/row bound and backpressure.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private queuedEvents = 0;
  private writingEvents = 0;
  private writes = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private idle: (() => void)[] = [];

  constructor(private readonly options: GroupCommitOptions) {}

  /** Events waiting or being written. */
  get buffered(): number {
    return this.queuedEvents + this.writingEvents;
  }

  /** Resolves once the rows are committed; throws a 503 ApiError when the buffer is full. */
  submit(rows: readonly TrackingRow[]): Promise<TrackOutcome> {
    if (this.closed) throw this.refuse(rows.length, 'the server is shutting down');
    if (this.buffered + rows.length > this.options.maxBufferedEvents) {
      throw this.refuse(rows.length, 'the tracking buffer is full: the database is behind');
    }
    return new Promise<TrackOutcome>((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      this.queuedEvents += rows.length;
      this.schedule();
    });
  }

  /** Refuses new events and resolves once every accepted one is written. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.length > 0 || this.writes > 0) {
      if (this.queue.length > 0 && this.writes < this.options.maxConcurrentWrites) {
        void this.writeGroup();
        continue;
      }
      await new Promise<void>((resolve) => this.idle.push(resolve));
    }
  }

  private refuse(events: number, detail: string): ApiError {
    this.options.onRefused?.(events);
    return this.unavailable(detail);
  }

  private unavailable(detail: string): ApiError {
    return new ApiError('tracking_unavailable', detail, {
      'Retry-After': String(this.options.retryAfterSeconds),
    });
  }

  private schedule(): void {
    if (this.queue.length === 0 || this.writes >= this.options.maxConcurrentWrites) return;
    if (this.closed || this.queuedEvents >= this.options.maxBatchEvents) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      void this.writeGroup();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.writeGroup();
    }, this.options.windowMs);
  }

  /** Takes whole requests up to a group's size (at least one) and writes them. */
  private async writeGroup(): Promise<void> {
    const group: Pending[] = [];
    let events = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0] as Pending;
      if (group.length > 0 && events + next.rows.length > this.options.maxBatchEvents) break;
      group.push(next);
      this.queue.shift();
      events += next.rows.length;
    }
    if (group.length === 0) return;
    this.queuedEvents -= events;
    this.writingEvents += events;
    this.writes += 1;
    try {
      await this.commit(group);
    } finally {
      this.writingEvents -= events;
      this.writes -= 1;
      for (const wake of this.idle.splice(0)) wake();
      this.schedule();
    }
  }

  private async commit(group: readonly Pending[]): Promise<void> {
    // A message id sent twice in one group (a retry racing its original) is written once; the
    // first request that carries it owns it, the others count it as a duplicate.
    const owned = new Map<string, TrackingRow>();
    const owners = group.map((pending) =>
      pending.rows.filter((row) => {
        if (owned.has(row.messageId)) return false;
        owned.set(row.messageId, row);
        return true;
      }),
    );
    let stored: Set<string>;
    try {
      stored = await this.options.write([...owned.values()]);
    } catch (cause) {
      this.options.onError?.(cause);
      // Nothing of the group was committed (one statement): the clients retry, and dedupe
      // makes the retry safe even if the commit did happen and only its answer was lost.
      const events = group.reduce((sum, pending) => sum + pending.rows.length, 0);
      const error = this.refuse(events, 'the tracking store could not write the events');
      for (const pending of group) pending.reject(error);
      return;
    }
    group.forEach((pending, i) => {
      const accepted = (owners[i] ?? []).filter((row) => stored.has(row.messageId)).length;
      pending.resolve({ accepted, duplicates: pending.rows.length - accepted });
    });
  }
}
