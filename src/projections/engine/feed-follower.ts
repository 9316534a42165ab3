import { setTimeout as sleep } from 'node:timers/promises';
import type { EventStore, RecordedEvent } from '../../eventstore/event-store.js';
import type { Db } from '../db/database.js';
import { withProjectorLock } from './advisory-lock.js';
import { EventBuffer } from './event-buffer.js';

/** What a follower does next: go on, start over from the saved checkpoint, or end. */
export type FeedStep = 'next' | 'reset' | 'stopped';

/** The part of a feed follower that differs between projectors and reactors. */
export interface FeedHandler {
  /** Where to read from, read on the lock's connection each time following (re)starts. */
  begin(lockConnection: Db): Promise<string | undefined>;
  /** Handles the events that arrived, in feed order (at most `batchSize`). */
  handle(
    batch: readonly RecordedEvent[],
    lockConnection: Db,
    signal: AbortSignal,
  ): Promise<FeedStep>;
  /** Called when nothing arrived for `idleMs`: a chance to check the checkpoint and the lock. */
  idle?(lockConnection: Db): Promise<FeedStep>;
}

/** Options of {@link FeedFollower}. */
export interface FeedFollowerOptions {
  /** Names the advisory lock: one active instance per name across all nodes. */
  readonly name: string;
  readonly store: EventStore;
  readonly db: Db;
  readonly handler: FeedHandler;
  /** Most events handed to one `handle` call. */
  readonly batchSize: number;
  /** How long to wait for an event before calling `idle`. */
  readonly idleMs: number;
  /** Pause between tries for the lock, after a failure, and after the feed ended. */
  readonly retryMs: number;
  /** Where a failed run or a feed that ended is reported; the fields name the follower. */
  readonly log: {
    warn(details: object, message: string): void;
    error(details: object, message: string): void;
  };
  /** What it is, for its log lines: `{ projector: name }` or `{ reactor: name }`. */
  readonly kind: 'projector' | 'reactor';
}

/**
 * The one feed loop under projectors and reactors: take the lock, read the feed from the
 * checkpoint into a bounded buffer (the reader) while batches are handled from it (the writer),
 * stand by while another instance holds the lock, and resume after any failure, until stopped.
 */
export class FeedFollower {
  readonly #options: FeedFollowerOptions;
  #controller: AbortController | undefined;
  #loop: Promise<void> | undefined;
  #active = false;

  constructor(options: FeedFollowerOptions) {
    this.#options = options;
  }

  /** Launches the loop in the background and resolves at once. */
  async start(): Promise<void> {
    if (this.#loop) return;
    const controller = new AbortController();
    this.#controller = controller;
    this.#loop = this.#run(controller.signal);
  }

  /** Stops gracefully: the batch in hand finishes, then the lock is released. */
  async stop(): Promise<void> {
    this.#controller?.abort();
    await this.#loop;
    this.#loop = undefined;
    this.#controller = undefined;
  }

  /** Whether this instance holds the lock and is following the feed. */
  get active(): boolean {
    return this.#active;
  }

  async #run(signal: AbortSignal): Promise<void> {
    const { db, name, log, kind } = this.#options;
    const logFields = { [kind]: name };
    while (!signal.aborted) {
      let step: FeedStep | 'ended' | undefined;
      try {
        await withProjectorLock(db, name, async (lockConnection) => {
          step = await this.#follow(lockConnection, signal);
        });
      } catch (error) {
        log.error({ err: error, ...logFields }, `${kind} failed; it will resume`);
      }
      if (step === 'reset') {
        log.warn(logFields, 'the checkpoint moved back; following the feed from it');
        continue;
      }
      if (step === 'ended') log.warn(logFields, 'the feed ended; resubscribing');
      await sleep(this.#options.retryMs, undefined, { signal }).catch(() => undefined);
    }
  }

  async #follow(lockConnection: Db, signal: AbortSignal): Promise<FeedStep | 'ended'> {
    const { handler, batchSize } = this.#options;
    const from = await handler.begin(lockConnection);
    this.#active = true;
    const buffer = new EventBuffer<RecordedEvent>(batchSize * 4);
    const feed = new AbortController();
    const onStop = (): void => {
      feed.abort();
      buffer.close();
    };
    signal.addEventListener('abort', onStop, { once: true });
    const reader = this.#read(from, buffer, feed.signal);
    try {
      return await this.#handle(buffer, lockConnection, signal);
    } finally {
      signal.removeEventListener('abort', onStop);
      onStop();
      await reader;
      this.#active = false;
    }
  }

  async #read(from: string | undefined, buffer: EventBuffer<RecordedEvent>, signal: AbortSignal) {
    try {
      for await (const event of this.#options.store.subscribeAll({ from, signal })) {
        await buffer.push(event);
      }
      buffer.close();
    } catch (error) {
      buffer.fail(error);
    }
  }

  async #handle(
    buffer: EventBuffer<RecordedEvent>,
    lockConnection: Db,
    signal: AbortSignal,
  ): Promise<FeedStep | 'ended'> {
    const { handler, batchSize, idleMs } = this.#options;
    while (!signal.aborted) {
      const batch = await buffer.take(batchSize, idleMs);
      // A batch taken after stop() is left for the next run: not handled, so nothing is lost.
      if (signal.aborted) break;
      let step: FeedStep = 'next';
      if (batch.length > 0) step = await handler.handle(batch, lockConnection, signal);
      else if (buffer.finished) return 'ended';
      else if (handler.idle) step = await handler.idle(lockConnection);
      if (step !== 'next') return step;
    }
    return 'stopped';
  }
}
