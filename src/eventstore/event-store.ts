/** Expected revision of a stream at append time; revisions are 0-based like EventStoreDB. */
export type ExpectedRevision = 'no_stream' | 'stream_exists' | 'any' | bigint;

/** Metadata every stored event carries. */
export interface EventMetadata {
  /** The request id (or the id of whatever started the chain). */
  readonly correlationId: string;
  /** The id of the event or command that caused this event. */
  readonly causationId?: string;
  readonly userId?: string;
  readonly schemaVersion: number;
}

/** An event about to be appended. */
export interface NewEvent {
  readonly id: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata: EventMetadata;
  /**
   * When the event happened, for an import that moves a log between stores: it keeps the
   * original time. Left out (everything else), the store records the time of the append.
   */
  readonly createdAt?: Date;
}

/** An event as stored: with its stream, revision and global position. */
export interface RecordedEvent extends NewEvent {
  readonly streamId: string;
  readonly revision: bigint;
  /** Opaque global position: compare only through the store, never parse outside the adapter. */
  readonly position: string;
  readonly createdAt: Date;
}

export interface AppendResult {
  /** Revision of the last event now in the stream. */
  readonly nextRevision: bigint;
  /** Global position of the last appended event. */
  readonly position: string;
}

export interface ReadStreamResult {
  readonly events: readonly RecordedEvent[];
  /** Revision of the last event, or `null` when the stream does not exist. */
  readonly revision: bigint | null;
}

export interface ReadStreamOptions {
  /** Read events with revision >= from (default 0). */
  readonly from?: bigint;
}

export interface SubscribeAllOptions {
  /** Start after this position (exclusive); undefined starts at the beginning of the log. */
  readonly from?: string;
  /** Stops the subscription; the iterator then ends. */
  readonly signal?: AbortSignal;
}

/** One stream's part of a multi-stream append ({@link EventStore.appendMany}). */
export interface StreamAppend {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly expectedRevision: ExpectedRevision;
}

/** One stream's own outcome in a multi-stream append: its result, or its own error. */
export type StreamAppendOutcome =
  | { readonly ok: true; readonly result: AppendResult }
  | { readonly ok: false; readonly error: unknown };

/** The write-side port: three adapters (PostgreSQL, PGlite, EventStoreDB) pass one suite. */
export interface EventStore {
  append(
    streamId: string,
    events: readonly NewEvent[],
    options: { readonly expectedRevision: ExpectedRevision },
  ): Promise<AppendResult>;
  /**
   * Appends to several distinct streams at once, each under its own expected revision and with
   * its own outcome (a conflict on one does not fail the others; not atomic across streams),
   * exactly as if each were an {@link append}. Outcomes are in the order of `appends`. It lets
   * a store commit many streams' events together (PostgreSQL: one statement, one WAL flush).
   */
  appendMany(appends: readonly StreamAppend[]): Promise<StreamAppendOutcome[]>;
  /**
   * True when {@link appendMany} lets concurrent writers share one commit (PostgreSQL on a
   * pool): only then does the command path gather appends into groups. PGlite is one
   * connection, and batching there starved an in-process replay of it; EventStoreDB's
   * appendMany is parallel appends, so grouping buys nothing.
   */
  readonly groupsAppends?: boolean;
  read(streamId: string, options?: ReadStreamOptions): Promise<ReadStreamResult>;
  /** Every event in global order after `from`: catches up, then follows live until aborted. */
  subscribeAll(options?: SubscribeAllOptions): AsyncIterable<RecordedEvent>;
  /** Position of the last event in the log, or undefined when the log is empty. */
  headPosition(): Promise<string | undefined>;
  /** Orders two positions of this store: negative, zero or positive. */
  comparePositions(a: string, b: string): number;
  close(): Promise<void>;
}
