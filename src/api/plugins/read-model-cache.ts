import { LRUCache } from 'lru-cache';

/** What the cache needs to know of this process's read-models projector. */
export interface ProjectorActivity {
  /** Whether it holds the projector lock, i.e. it is the one writer of the read models. */
  readonly active: boolean;
}

export interface ReadModelCacheOptions {
  /** Orders two event-store positions (negative, zero, positive). */
  readonly comparePositions: (a: string, b: string) => number;
  readonly maxEntries?: number;
  /**
   * Longest an answer is served, as a bound for changes that do not pass through this
   * projector's commits (a replay swapping tables in, with the same content): default 5 s.
   */
  readonly maxAgeMs?: number;
  readonly now?: () => number;
}

interface Entry {
  readonly generation: number;
  /** The read models were at least at this position when the answer was computed. */
  readonly position: string | undefined;
  readonly at: number;
  readonly body: string;
}

/**
 * Serialised answers of read-model queries, valid until the read models move: every batch the
 * in-process projector commits ends the current generation and empties the cache. Without an
 * active projector in this process (ROLE=serve, or another instance holds the lock) the cache
 * cannot know when the tables change, so it stays out of the way and every read is computed.
 *
 * A reader that must see a position (its own last write, `X-Min-Position`) only takes an answer
 * computed at or after it; everyone else takes any answer of the current generation.
 */
export class ReadModelCache {
  readonly #entries: LRUCache<string, Entry>;
  readonly #compare: (a: string, b: string) => number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  #projector: ProjectorActivity | undefined;
  #generation = 0;
  #position: string | undefined;

  constructor(options: ReadModelCacheOptions) {
    this.#entries = new LRUCache({ max: options.maxEntries ?? 2_000 });
    this.#compare = options.comparePositions;
    this.#maxAgeMs = options.maxAgeMs ?? 5_000;
    this.#now = options.now ?? Date.now;
  }

  /** The projector whose commits invalidate the cache; until then nothing is cached. */
  follow(projector: ProjectorActivity): void {
    this.#projector = projector;
  }

  /** Called after each batch the projector committed (before readers can see it otherwise). */
  advanced(position: string): void {
    this.#generation++;
    this.#position = position;
    this.#entries.clear();
  }

  /** The cached body for `key`, or `compute()`'s, kept for readers that come next. */
  async get(key: string, wanted: string | undefined, compute: () => Promise<string>) {
    if (!this.#projector?.active) return compute();
    const hit = this.#entries.get(key);
    if (hit && this.#fresh(hit) && this.#covers(hit.position, wanted)) return hit.body;
    // Taken before the query: the rows read are at least this fresh.
    const generation = this.#generation;
    const position = this.#position;
    const body = await compute();
    if (generation === this.#generation && this.#projector.active) {
      this.#entries.set(key, { generation, position, at: this.#now(), body });
    }
    return body;
  }

  #fresh(entry: Entry): boolean {
    return entry.generation === this.#generation && this.#now() - entry.at < this.#maxAgeMs;
  }

  #covers(position: string | undefined, wanted: string | undefined): boolean {
    if (wanted === undefined) return true;
    return position !== undefined && this.#compare(position, wanted) >= 0;
  }
}
