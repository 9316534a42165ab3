import { setTimeout as sleep } from 'node:timers/promises';
import type { RecordedEvent } from '../../eventstore/event-store.js';
import type { Db, Tx } from '../db/database.js';
import { withProjectorLock } from './advisory-lock.js';
import { applyEvents } from './apply-events.js';
import { lockCheckpoint, readCheckpoint, saveCheckpoint } from './checkpoints.js';
import { EventBuffer } from './event-buffer.js';
import type { Projection } from './projection.js';
import {
  inSavepoint,
  isTransient,
  readProjectionFailures,
  recordProjectionFailure,
} from './projection-failures.js';
import type { ProjectorLogger, ProjectorOptions } from './projector-options.js';

export { readCheckpoint, type WaitOptions, waitForPosition } from './checkpoints.js';
export type { ProjectorLogger, ProjectorOptions } from './projector-options.js';

// While idle, the checkpoint is read on the lock's connection this often: a lost lock and a
// checkpoint reset by a rebuild must not go unnoticed.
const IDLE_CHECK_MS = 1_000;
const silent: ProjectorLogger = { warn: () => undefined, error: () => undefined };

/** A committed batch (new checkpoint, events applied), or 'reset': the checkpoint moved back. */
type BatchOutcome =
  | 'reset'
  | { readonly position: string | undefined; readonly applied: readonly RecordedEvent[] };

/** Why following the feed ended: a stop, a checkpoint moved back (a rebuild), or a dry feed. */
type FollowEnd = 'stopped' | 'reset' | 'ended';

/**
 * Follows the global feed from its checkpoint and applies events in batches, each in one
 * transaction with the checkpoint update, so every event takes effect exactly once.
 */
export class Projector {
  readonly #options: ProjectorOptions;
  readonly #batchSize: number;
  readonly #log: ProjectorLogger;
  #controller: AbortController | undefined;
  #loop: Promise<void> | undefined;
  #active = false;
  /** Projections stuck on an event they could not apply: the others go on without them. */
  #stuck = new Set<string>();

  constructor(options: ProjectorOptions) {
    this.#options = options;
    this.#batchSize = options.batchSize ?? 500;
    this.#log = options.logger ?? silent;
  }

  /**
   * Launches the loop in the background and resolves at once. The loop stands by while another
   * instance holds the lock, retries after failures, and ends only on {@link stop}.
   */
  async start(): Promise<void> {
    if (this.#loop) return;
    const controller = new AbortController();
    this.#controller = controller;
    this.#loop = this.#run(controller.signal);
  }

  /** Stops gracefully: the batch being applied commits, then the lock is released. */
  async stop(): Promise<void> {
    this.#controller?.abort();
    await this.#loop;
    this.#loop = undefined;
    this.#controller = undefined;
  }

  /** Whether this instance holds the lock and is applying events. */
  get active(): boolean {
    return this.#active;
  }

  /** The saved position, or undefined before the first batch. */
  checkpoint(): Promise<string | undefined> {
    return readCheckpoint(this.#options.db, this.#options.name);
  }

  async #run(signal: AbortSignal): Promise<void> {
    const { db, name } = this.#options;
    while (!signal.aborted) {
      let end: FollowEnd | undefined;
      try {
        await withProjectorLock(db, name, async (lockConnection) => {
          end = await this.#follow(lockConnection, signal);
        });
      } catch (error) {
        this.#log.error({ err: error, projector: name }, 'projector failed; it will resume');
      }
      if (end === 'reset') {
        this.#log.warn({ projector: name }, 'the checkpoint moved back; replaying from it');
        continue;
      }
      await sleep(this.#options.retryMs ?? 1_000, undefined, { signal }).catch(() => undefined);
    }
  }

  /** Reads the feed into a buffer (producer) while batches are applied from it (consumer). */
  async #follow(lockConnection: Db, signal: AbortSignal): Promise<FollowEnd> {
    const from = await readCheckpoint(lockConnection, this.#options.name);
    const failures = await readProjectionFailures(lockConnection, this.#options.name);
    this.#stuck = new Set(failures.map((failure) => failure.projection));
    this.#active = true;
    const buffer = new EventBuffer<RecordedEvent>(this.#batchSize * 4);
    const feed = new AbortController();
    const onStop = (): void => {
      feed.abort();
      buffer.close();
    };
    signal.addEventListener('abort', onStop, { once: true });
    const producer = this.#produce(from, buffer, feed.signal);
    try {
      return await this.#consume(from, buffer, lockConnection, signal);
    } finally {
      signal.removeEventListener('abort', onStop);
      onStop();
      await producer;
      this.#active = false;
    }
  }

  async #produce(
    from: string | undefined,
    buffer: EventBuffer<RecordedEvent>,
    signal: AbortSignal,
  ) {
    try {
      for await (const event of this.#options.store.subscribeAll({ from, signal })) {
        await buffer.push(event);
      }
      buffer.close();
    } catch (error) {
      buffer.fail(error);
    }
  }

  async #consume(
    from: string | undefined,
    buffer: EventBuffer<RecordedEvent>,
    lockConnection: Db,
    signal: AbortSignal,
  ): Promise<FollowEnd> {
    let at = from;
    while (!signal.aborted) {
      const batch = await buffer.take(this.#batchSize, IDLE_CHECK_MS);
      // A batch taken after stop() is left for the next run: it was not applied, so nothing is lost.
      if (signal.aborted) break;
      if (batch.length > 0) {
        const next = await this.#apply(at, batch);
        if (next === 'reset') return 'reset';
        at = next;
      } else if (buffer.finished) {
        this.#log.warn({ projector: this.#options.name }, 'the feed ended; resubscribing');
        return 'ended';
      } else if (this.#movedBack(at, await readCheckpoint(lockConnection, this.#options.name))) {
        return 'reset';
      } else {
        // A replay may have repaired a stuck projection's tables meanwhile: let it resume.
        const failures = await readProjectionFailures(lockConnection, this.#options.name);
        this.#stuck = new Set(failures.map((failure) => failure.projection));
      }
    }
    return 'stopped';
  }

  /** The projections still applying events. */
  #live(): readonly Projection[] {
    return this.#options.projections.filter((projection) => !this.#stuck.has(projection.name));
  }

  /**
   * Applies a batch with the checkpoint; returns the new checkpoint, or 'reset' if moved back.
   * When the batch fails for a reason other than the database, it is applied again event by
   * event, each projection in a savepoint: a projection that cannot apply an event is recorded
   * as stuck there (loudly: log, health, metric, `cowatch verify`) and the others go on.
   */
  async #apply(at: string | undefined, batch: readonly RecordedEvent[]) {
    const effects: (() => void)[] = [];
    let outcome: BatchOutcome;
    try {
      outcome = await this.#applyInTransaction(at, batch, effects, false);
    } catch (error) {
      if (isTransient(error)) throw error;
      outcome = await this.#applyInTransaction(at, batch, effects, true);
    }
    if (outcome === 'reset') return outcome;
    for (const effect of effects) this.#runEffect(effect);
    if (outcome.position !== undefined && outcome.position !== at) {
      this.#options.onAdvance?.(outcome.position, outcome.applied);
    }
    return outcome.position;
  }

  async #applyInTransaction(
    at: string | undefined,
    batch: readonly RecordedEvent[],
    effects: (() => void)[],
    isolated: boolean,
  ): Promise<BatchOutcome> {
    const { db, name, store } = this.#options;
    return db.transaction().execute(async (tx) => {
      effects.length = 0;
      const saved = await lockCheckpoint(tx, name);
      if (this.#movedBack(at, saved)) return 'reset' as const;
      // Ahead: another instance committed some of these (a lost lock, a race at takeover).
      const fresh =
        saved === undefined
          ? batch
          : batch.filter((event) => store.comparePositions(event.position, saved) > 0);
      if (isolated) await this.#applyOneByOne(tx, fresh, effects);
      else {
        const afterCommit = (effect: () => void) => {
          effects.push(effect);
        };
        await applyEvents(tx, this.#live(), fresh, { afterCommit });
      }
      const last = fresh.at(-1)?.position;
      if (last !== undefined) await saveCheckpoint(tx, name, last);
      return { position: last ?? saved, applied: fresh };
    });
  }

  async #applyOneByOne(tx: Tx, events: readonly RecordedEvent[], effects: (() => void)[]) {
    const { name: projector } = this.#options;
    for (const event of events) {
      for (const projection of this.#live()) {
        const own: (() => void)[] = [];
        const afterCommit = (effect: () => void) => {
          own.push(effect);
        };
        try {
          await inSavepoint(tx, () => applyEvents(tx, [projection], [event], { afterCommit }));
          effects.push(...own);
        } catch (error) {
          if (isTransient(error)) throw error;
          await recordProjectionFailure(tx, projector, projection.name, event, error);
          this.#stuck.add(projection.name);
          this.#log.error(
            {
              err: error,
              projector,
              projection: projection.name,
              eventId: event.id,
              eventType: event.type,
              streamId: event.streamId,
              position: event.position,
            },
            `projection ${projection.name} cannot apply ${event.type} ${event.id}; it is stuck there until a rebuild, the other projections go on`,
          );
        }
      }
    }
  }

  /** Post-commit effects are best effort: the committed rows are what must not be lost. */
  #runEffect(effect: () => void): void {
    try {
      effect();
    } catch (error) {
      this.#log.warn(
        { projector: this.#options.name, err: error },
        'an after-commit effect failed',
      );
    }
  }

  /** Whether the checkpoint is behind where this instance left it: a rebuild reset it. */
  #movedBack(at: string | undefined, saved: string | undefined): boolean {
    if (at === undefined) return false;
    return saved === undefined || this.#options.store.comparePositions(saved, at) < 0;
  }
}
