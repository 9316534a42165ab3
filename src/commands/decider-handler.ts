import { LRUCache } from 'lru-cache';
import { type Decider, type DomainEvent, fold } from '../domain/decider.js';
import { WrongExpectedRevision } from '../eventstore/errors.js';
import type { EventStore, NewEvent } from '../eventstore/event-store.js';
import { ConcurrencyConflict, VersionMismatch } from './errors.js';
import { type CommandMetadata, toDomainEvent, toNewEvents } from './event-envelope.js';
import { backoff, defaultRetryPolicy, type RetryPolicy } from './retry-policy.js';
import { type Outcome, StreamQueue } from './stream-queue.js';

/** A stream's folded state as of one revision; positions are opaque store positions. */
interface StreamSnapshot<S> {
  readonly state: S;
  readonly revision: bigint | null;
  readonly position: string | undefined;
}

/** What a handled command produced. */
export interface CommandResult<E, S> {
  /** The events this command appended; empty for a no-op. */
  readonly events: readonly E[];
  /** The aggregate state right after this command's events. */
  readonly state: S;
  /** Stream revision after this command (the resource version), null if the stream is empty. */
  readonly revision: bigint | null;
  /** Global position to wait for before reading this command's effects. */
  readonly position: string | undefined;
}

interface Queued<C> {
  readonly command: C;
  readonly metadata: CommandMetadata;
  readonly expectedVersion: bigint | undefined;
}

export interface HandleOptions {
  readonly metadata: CommandMetadata;
  /** `If-Match`: refuse unless the stream is at exactly this revision. */
  readonly expectedVersion?: bigint;
}

/** Receives what happens to commands, for metrics. All methods must be cheap and never throw. */
export interface CommandObserver {
  /** `outcome`: ok, noop, a refusal code, or error. */
  outcome(aggregate: string, command: string, outcome: string): void;
  conflict(aggregate: string): void;
  retry(aggregate: string): void;
  batch(aggregate: string, size: number): void;
}

export interface DeciderHandlerOptions {
  readonly retry?: RetryPolicy;
  readonly observer?: CommandObserver;
  /** How many recently used streams keep their state in memory. */
  readonly cacheSize?: number;
  readonly maxBatch?: number;
  /**
   * Where appends go (default: straight to the store). A context's handlers share an
   * AppendBatcher so that appends to different streams commit together.
   */
  readonly appender?: Pick<EventStore, 'append'>;
}

/**
 * Runs commands of one aggregate type: load (or take the cached state), decide, append with
 * the expected revision, and on a conflict catch up and decide again, a bounded number of times.
 */
export class DeciderHandler<C extends { readonly type: string }, E extends DomainEvent, S> {
  private readonly cache: LRUCache<string, StreamSnapshot<S>>;
  private readonly queue: StreamQueue<Queued<C>, CommandResult<E, S>>;
  private readonly retry: RetryPolicy;
  private readonly observer: CommandObserver | undefined;
  private readonly appender: Pick<EventStore, 'append'>;

  constructor(
    private readonly store: EventStore,
    private readonly decider: Decider<C, E, S>,
    options: DeciderHandlerOptions = {},
  ) {
    this.retry = options.retry ?? defaultRetryPolicy;
    this.observer = options.observer;
    this.appender = options.appender ?? store;
    this.cache = new LRUCache({ max: options.cacheSize ?? 10_000 });
    this.queue = new StreamQueue((id, items) => this.processBatch(id, items), options.maxBatch);
  }

  /** Handles a command on `<category>-<id>`. Refusals reject with a DomainError. */
  handle(id: string, command: C, options: HandleOptions): Promise<CommandResult<E, S>> {
    const { metadata, expectedVersion } = options;
    return this.queue.enqueue(this.streamId(id), { command, metadata, expectedVersion });
  }

  /** The current state of a stream, read through the cache and caught up with the store. */
  async load(id: string): Promise<{ state: S; revision: bigint | null }> {
    const streamId = this.streamId(id);
    const snapshot = await this.catchUp(streamId, this.cache.get(streamId));
    return { state: snapshot.state, revision: snapshot.revision };
  }

  /**
   * A stream's state no older than `position` (one of its events'): the cached state when it
   * is that recent, else {@link load}. For a reactor acting on an event, whose state this
   * process usually cached when it appended that event: it spares a read per event.
   */
  async loadSince(id: string, position: string): Promise<{ state: S; revision: bigint | null }> {
    const cached = this.cache.get(this.streamId(id));
    if (
      cached?.position !== undefined &&
      this.store.comparePositions(cached.position, position) >= 0
    ) {
      return { state: cached.state, revision: cached.revision };
    }
    return this.load(id);
  }

  streamId(id: string): string {
    return `${this.decider.category}-${id}`;
  }

  private async processBatch(
    streamId: string,
    items: readonly Queued<C>[],
  ): Promise<Outcome<CommandResult<E, S>>[]> {
    const aggregate = this.decider.category;
    this.observer?.batch(aggregate, items.length);
    try {
      const outcomes = await this.decideAndAppendIsolated(streamId, items);
      for (const [i, outcome] of outcomes.entries()) {
        this.observer?.outcome(aggregate, items[i]!.command.type, outcomeLabel(outcome));
      }
      return outcomes;
    } catch (error) {
      for (const item of items) this.observer?.outcome(aggregate, item.command.type, 'error');
      throw error;
    }
  }

  /** A batch that fails for another reason than a conflict is retried one command at a time,
   * so that one bad command (e.g. data the store rejects) does not fail its neighbours. */
  private async decideAndAppendIsolated(
    streamId: string,
    items: readonly Queued<C>[],
  ): Promise<Outcome<CommandResult<E, S>>[]> {
    try {
      return await this.decideAndAppend(streamId, items);
    } catch (error) {
      if (items.length === 1) throw error;
      const outcomes: Outcome<CommandResult<E, S>>[] = [];
      for (const item of items) {
        const [outcome] = await this.decideAndAppend(streamId, [item]).catch((e: unknown) => [
          { ok: false as const, error: e },
        ]);
        outcomes.push(outcome!);
      }
      return outcomes;
    }
  }

  private async decideAndAppend(
    streamId: string,
    items: readonly Queued<C>[],
  ): Promise<Outcome<CommandResult<E, S>>[]> {
    let snapshot = this.cache.get(streamId) ?? (await this.catchUp(streamId, undefined));
    for (let attempt = 1; ; attempt++) {
      const { outcomes, toAppend, state, revision } = this.decideBatch(snapshot, items);
      if (toAppend.length === 0) {
        // Refusals and no-ops must not rest on a stale cache: only answer if nothing moved.
        const fresh = await this.catchUp(streamId, snapshot);
        if (fresh.revision === snapshot.revision) {
          return outcomes.map((o) => withPosition(o, fresh.position));
        }
        snapshot = fresh;
      } else {
        try {
          const expectedRevision = snapshot.revision ?? 'no_stream';
          const result = await this.appender.append(streamId, toAppend, { expectedRevision });
          if (result.nextRevision === revision) {
            this.cache.set(streamId, { state, revision, position: result.position });
            return outcomes.map((o) => withPosition(o, result.position));
          }
          // The store recognised these event ids as already appended (a retried command): what
          // we decided is not what is stored. Catch up and decide again (a domain no-op now).
          this.cache.delete(streamId);
          snapshot = await this.catchUp(streamId, undefined);
        } catch (error) {
          if (!(error instanceof WrongExpectedRevision)) throw error;
          this.observer?.conflict(this.decider.category);
          this.cache.delete(streamId);
          snapshot = await this.catchUp(streamId, snapshot);
        }
      }
      if (attempt >= this.retry.maxAttempts) throw new ConcurrencyConflict(streamId, attempt);
      this.observer?.retry(this.decider.category);
      await backoff(this.retry, attempt);
    }
  }

  /** Decides every queued command against the state the previous ones left behind. */
  private decideBatch(snapshot: StreamSnapshot<S>, items: readonly Queued<C>[]) {
    let { state, revision } = snapshot;
    const toAppend: NewEvent[] = [];
    const outcomes: Outcome<CommandResult<E, S>>[] = items.map((item) => {
      try {
        // A missing stream is for the domain to report (not found), not a version mismatch.
        if (
          item.expectedVersion !== undefined &&
          revision !== null &&
          item.expectedVersion !== revision
        ) {
          throw new VersionMismatch(item.expectedVersion, revision);
        }
        const events = this.decider.decide(item.command, state);
        state = events.reduce((s, e) => this.decider.evolve(s, e), state);
        if (events.length > 0) revision = (revision ?? -1n) + BigInt(events.length);
        toAppend.push(...toNewEvents(events, item.metadata));
        return { ok: true, value: { events, state, revision, position: undefined } };
      } catch (error) {
        // Refusals (and bugs) settle only their own command; the rest of the batch goes on.
        return { ok: false, error };
      }
    });
    return { outcomes, toAppend, state, revision };
  }

  /** Brings a snapshot up to the stream's latest revision (or loads it from scratch). */
  private async catchUp(
    streamId: string,
    from: StreamSnapshot<S> | undefined,
  ): Promise<StreamSnapshot<S>> {
    const start = from?.revision == null ? 0n : from.revision + 1n;
    const { events, revision } = await this.store.read(streamId, { from: start });
    if (from && events.length === 0 && revision === from.revision) return from;
    const state = fold(
      this.decider,
      events.map(toDomainEvent),
      from?.state ?? this.decider.initialState,
    );
    const last = events.at(-1);
    const snapshot = { state, revision, position: last ? last.position : from?.position };
    this.cache.set(streamId, snapshot);
    return snapshot;
  }
}

function outcomeLabel(outcome: Outcome<{ events: readonly unknown[] }>): string {
  if (outcome.ok) return outcome.value.events.length > 0 ? 'ok' : 'noop';
  const code: unknown = (outcome.error as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'error';
}

function withPosition<R extends { position: string | undefined }>(
  outcome: Outcome<R>,
  position: string | undefined,
): Outcome<R> {
  return outcome.ok ? { ok: true, value: { ...outcome.value, position } } : outcome;
}
