import { setTimeout as sleep } from 'node:timers/promises';
import type { EventStore, RecordedEvent } from '../../eventstore/event-store.js';
import type { Db } from '../db/database.js';
import type { BackgroundService } from './background-service.js';
import { readCheckpoint } from './checkpoints.js';
import { FeedFollower, type FeedStep } from './feed-follower.js';

const BATCH = 100;
const IDLE_MS = 1_000;

/** The pino-like logger a reactor reports to. */
export interface ReactorLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/**
 * Reacts to one event, outside any transaction (it may call external services). Resolves true
 * when the event concerned it, false to skip it. It must be idempotent: after a crash the
 * events of the unfinished batch are handled again.
 */
export type Reaction = (event: RecordedEvent) => Promise<boolean>;

/** Options of {@link ReactorRunner}. */
export interface ReactorOptions {
  /** Names the checkpoint row and the advisory lock: one active instance per name. */
  readonly name: string;
  readonly store: EventStore;
  readonly db: Db;
  readonly react: Reaction;
  readonly logger: ReactorLogger;
  /** First pause after a failed reaction, doubled on each retry (default 100 ms). */
  readonly retryInitialMs?: number;
  /** Longest pause between retries of one event (default 30 s). */
  readonly retryMaxMs?: number;
  /** Pause between tries for the lock, and after a failure of the feed (default 1000 ms). */
  readonly lockRetryMs?: number;
}

/**
 * Follows the global feed from its own checkpoint and runs a reaction on each event, in order
 * within each stream. A failing event is retried with exponential backoff, never skipped.
 */
export class ReactorRunner implements BackgroundService {
  readonly #options: ReactorOptions;
  readonly #follower: FeedFollower;

  constructor(options: ReactorOptions) {
    this.#options = options;
    this.#follower = new FeedFollower({
      name: options.name,
      store: options.store,
      db: options.db,
      batchSize: BATCH,
      idleMs: IDLE_MS,
      retryMs: options.lockRetryMs ?? 1_000,
      log: options.logger,
      kind: 'reactor',
      handler: {
        begin: (lockConnection) => readCheckpoint(lockConnection, options.name),
        handle: (batch, lockConnection, signal) => this.#handle(batch, lockConnection, signal),
      },
    });
  }

  /** Launches the loop in the background; it stands by while another instance is active. */
  start(): Promise<void> {
    return this.#follower.start();
  }

  /** Stops after the reaction in progress; its event is handled again on the next start. */
  stop(): Promise<void> {
    return this.#follower.stop();
  }

  async #handle(
    batch: readonly RecordedEvent[],
    lockConnection: Db,
    signal: AbortSignal,
  ): Promise<FeedStep> {
    if ((await this.#reactToBatch(batch, signal)) === 'stopped') return 'stopped';
    const last = batch.at(-1)?.position;
    // The lock's connection writes the checkpoint: a lost lock fails here, not silently.
    if (last !== undefined) await this.#save(lockConnection, last);
    return 'next';
  }

  /**
   * Reacts to a batch: events of one stream in order, different streams at the same time, so
   * one slow payment does not hold up everyone else's. The checkpoint moves only once the whole
   * batch is done; after a crash the batch is handled again (reactions are idempotent).
   */
  async #reactToBatch(
    batch: readonly RecordedEvent[],
    signal: AbortSignal,
  ): Promise<'done' | 'stopped'> {
    const byStream = new Map<string, RecordedEvent[]>();
    for (const event of batch) {
      const events = byStream.get(event.streamId);
      if (events) events.push(event);
      else byStream.set(event.streamId, [event]);
    }
    const outcomes = await Promise.all(
      [...byStream.values()].map(async (events) => {
        for (const event of events) {
          if ((await this.#reactWithRetry(event, signal)) === 'stopped') return 'stopped';
        }
        return 'done';
      }),
    );
    return outcomes.includes('stopped') ? 'stopped' : 'done';
  }

  async #reactWithRetry(event: RecordedEvent, signal: AbortSignal): Promise<boolean | 'stopped'> {
    const { name, react, logger } = this.#options;
    for (let attempt = 1; ; attempt++) {
      try {
        return await react(event);
      } catch (error) {
        const delayMs = this.#delay(attempt);
        logger.warn(
          {
            err: error,
            reactor: name,
            eventId: event.id,
            eventType: event.type,
            correlationId: event.metadata.correlationId,
            attempt,
            retryInMs: delayMs,
          },
          'reaction failed; retrying',
        );
        const stopped = await sleep(delayMs, undefined, { signal }).then(
          () => false,
          () => true,
        );
        if (stopped) return 'stopped';
      }
    }
  }

  #delay(attempt: number): number {
    const initial = this.#options.retryInitialMs ?? 100;
    const max = this.#options.retryMaxMs ?? 30_000;
    return Math.min(max, initial * 2 ** Math.min(attempt - 1, 30));
  }

  async #save(lockConnection: Db, position: string): Promise<string> {
    const now = new Date();
    await lockConnection
      .insertInto('projection_checkpoints')
      .values({ name: this.#options.name, position, updated_at: now })
      .onConflict((oc) => oc.column('name').doUpdateSet({ position, updated_at: now }))
      .execute();
    return position;
  }
}
