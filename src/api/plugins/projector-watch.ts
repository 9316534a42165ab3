import type { ProjectorActivity } from './read-model-cache.js';

/**
 * Where this process's read-models projector stands, learned from its own commits. When it is
 * the active one (it holds the lock, so it alone writes the read models), a reader that must
 * see a position needs no query: the projector has committed that position or it has not, and
 * its next commit is worth waiting for instead of polling the checkpoint table. Without an
 * active projector here (ROLE=serve, another node holds the lock, or nothing committed since
 * it started) it cannot tell, and callers read the checkpoints as before.
 */
export class ProjectorWatch {
  readonly #compare: (a: string, b: string) => number;
  #projector: ProjectorActivity | undefined;
  #position: string | undefined;
  readonly #waiters = new Set<() => void>();

  constructor(comparePositions: (a: string, b: string) => number) {
    this.#compare = comparePositions;
  }

  /** The projector whose commits this watch is told of. */
  follow(projector: ProjectorActivity): void {
    this.#projector = projector;
  }

  /** Called after each batch the projector committed. */
  advanced(position: string): void {
    this.#position = position;
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }

  /** True when the active projector here has committed `position`; undefined when unknown. */
  passed(position: string): true | undefined {
    if (!this.#projector?.active || this.#position === undefined) return undefined;
    return this.#compare(this.#position, position) >= 0 ? true : undefined;
  }

  /** Whether `passed` knows: the projector here is active and has committed since it started. */
  get tracking(): boolean {
    return this.active && this.#position !== undefined;
  }

  /** Whether this process's projector is the active one (its commits are worth waiting for). */
  get active(): boolean {
    return this.#projector?.active ?? false;
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
}
