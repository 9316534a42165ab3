import type { EventStore } from '../../eventstore/event-store.js';
import type { Db } from '../../projections/db/database.js';
import { waitForPosition } from '../../projections/engine/checkpoints.js';
import { READ_MODELS_PROJECTOR } from '../../projections/read-models.js';
import type { ProjectorActivity } from './read-model-cache.js';

// While waiting on this process's projector, how often the checkpoints are read all the same.
const CHECKPOINT_RECHECK_MS = 250;

/**
 * Where the read models stand, for whatever must wait until they hold a position (a reader's
 * own write, a room's newest change). The checkpoint table always knows; this process's own
 * read-models projector, when it is the active one (it holds the lock, so it alone writes the
 * read models), knows sooner and for free: a position it has committed needs no query, and a
 * wait ends at the commit that reaches it instead of at the next poll of the checkpoints.
 * Without an active projector here (ROLE=serve, another node holds the lock, or nothing
 * committed since it started) the checkpoints are polled as before.
 */
export class ReadModelsPosition {
  readonly #db: Db;
  readonly #store: Pick<EventStore, 'comparePositions'>;
  #projector: ProjectorActivity | undefined;
  #position: string | undefined;
  readonly #waiters = new Set<() => void>();
  readonly #listeners: ((position: string) => void)[] = [];

  constructor(stores: { readonly db: Db; readonly store: Pick<EventStore, 'comparePositions'> }) {
    this.#db = stores.db;
    this.#store = stores.store;
  }

  /** The projector whose commits this is told of. */
  follow(projector: ProjectorActivity): void {
    this.#projector = projector;
  }

  /** Called after each batch the projector committed. */
  advanced(position: string): void {
    this.#position = position;
    for (const listener of this.#listeners) listener(position);
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }

  /** Tells `listener` of every batch the projector here commits (the read cache empties). */
  onAdvance(listener: (position: string) => void): void {
    this.#listeners.push(listener);
  }

  /** True when the active projector here has committed `position`; undefined when unknown. */
  passed(position: string): true | undefined {
    if (!this.#projector?.active || this.#position === undefined) return undefined;
    return this.#store.comparePositions(this.#position, position) >= 0 ? true : undefined;
  }

  /** Whether `passed` knows: the projector here is active and has committed since it started. */
  get tracking(): boolean {
    return this.active && this.#position !== undefined;
  }

  /** Whether this process's projector is the active one (its commits are worth waiting for). */
  get active(): boolean {
    return this.#projector?.active ?? false;
  }

  /** Whether the read models have reached `position`, waiting up to `timeoutMs`. */
  async reached(position: string, timeoutMs: number): Promise<boolean> {
    if (this.passed(position)) return true;
    const deadline = Date.now() + timeoutMs;
    for (let first = true; ; first = false) {
      // A projector tracked here has not reached it yet: its checkpoint would say the same.
      if (!(first && this.tracking) && (await this.#checkpointsPassed(position, 0))) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      if (!this.active) return this.#checkpointsPassed(position, left);
      // The checkpoints are read again now and then: the projector may have lost its lock.
      await this.nextCommit(Math.min(left, CHECKPOINT_RECHECK_MS));
      if (this.passed(position)) return true;
    }
  }

  /** Resolves at the projector's next commit, or after `ms`, whichever comes first. */
  nextCommit(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(wake);
        resolve();
      }, ms);
      this.#waiters.add(wake);
    });
  }

  #checkpointsPassed(position: string, timeoutMs: number): Promise<boolean> {
    return waitForPosition(this.#db, this.#store, [READ_MODELS_PROJECTOR], position, {
      timeoutMs,
    });
  }
}
