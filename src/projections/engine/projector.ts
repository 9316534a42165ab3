import type { RecordedEvent } from '../../eventstore/event-store.js';
import type { Db, Tx } from '../db/database.js';
import { applyEvents } from './apply-events.js';
import { lockCheckpoint, readCheckpoint, saveCheckpoint } from './checkpoints.js';
import { FeedFollower, type FeedStep } from './feed-follower.js';
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

/**
 * Follows the global feed from its checkpoint and applies events in batches, each in one
 * transaction with the checkpoint update, so every event takes effect exactly once.
 */
export class Projector {
  readonly #options: ProjectorOptions;
  readonly #log: ProjectorLogger;
  readonly #follower: FeedFollower;
  /** Where this instance's last committed batch left the checkpoint. */
  #at: string | undefined;
  /** Projections stuck on an event they could not apply: the others go on without them. */
  #stuck = new Set<string>();

  constructor(options: ProjectorOptions) {
    this.#options = options;
    this.#log = options.logger ?? silent;
    this.#follower = new FeedFollower({
      name: options.name,
      store: options.store,
      db: options.db,
      batchSize: options.batchSize ?? 500,
      idleMs: IDLE_CHECK_MS,
      retryMs: options.retryMs ?? 1_000,
      log: this.#log,
      kind: 'projector',
      handler: {
        begin: (lockConnection) => this.#begin(lockConnection),
        handle: (batch) => this.#handle(batch),
        idle: (lockConnection) => this.#idle(lockConnection),
      },
    });
  }

  /**
   * Launches the loop in the background and resolves at once. The loop stands by while another
   * instance holds the lock, retries after failures, and ends only on {@link stop}.
   */
  start(): Promise<void> {
    return this.#follower.start();
  }

  /** Stops gracefully: the batch being applied commits, then the lock is released. */
  stop(): Promise<void> {
    return this.#follower.stop();
  }

  /** Whether this instance holds the lock and is applying events. */
  get active(): boolean {
    return this.#follower.active;
  }

  /** The saved position, or undefined before the first batch. */
  checkpoint(): Promise<string | undefined> {
    return readCheckpoint(this.#options.db, this.#options.name);
  }

  async #begin(lockConnection: Db): Promise<string | undefined> {
    this.#at = await readCheckpoint(lockConnection, this.#options.name);
    await this.#readStuck(lockConnection);
    return this.#at;
  }

  async #handle(batch: readonly RecordedEvent[]): Promise<FeedStep> {
    const next = await this.#apply(this.#at, batch);
    if (next === 'reset') return 'reset';
    this.#at = next;
    return 'next';
  }

  /** While idle: notice a checkpoint reset by a rebuild, and let repaired projections resume. */
  async #idle(lockConnection: Db): Promise<FeedStep> {
    if (this.#movedBack(this.#at, await readCheckpoint(lockConnection, this.#options.name))) {
      return 'reset';
    }
    await this.#readStuck(lockConnection);
    return 'next';
  }

  async #readStuck(lockConnection: Db): Promise<void> {
    const failures = await readProjectionFailures(lockConnection, this.#options.name);
    this.#stuck = new Set(failures.map((failure) => failure.projection));
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
