import type { PGliteInterface } from '@electric-sql/pglite';
import type pg from 'pg';
import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadStreamOptions,
  ReadStreamResult,
  RecordedEvent,
  StreamAppend,
  StreamAppendOutcome,
  SubscribeAllOptions,
} from '../event-store.js';
import { FeedWaker } from './feed-waker.js';
import { PgSqlClient } from './pg-sql-client.js';
import { PgliteSqlClient } from './pglite-sql-client.js';
import { appendEvents } from './postgres-append.js';
import { appendMany } from './postgres-append-many.js';
import { comparePositions, formatPosition } from './postgres-position.js';
import { EVENT_COLUMNS, type EventRow, toRecordedEvent } from './postgres-rows.js';
import { migrateEventStore } from './postgres-schema.js';
import { type FeedTuning, followFeed } from './postgres-subscription.js';
import type { SqlClient } from './sql-client.js';

/** Options of {@link PostgresEventStore}. */
export interface PostgresEventStoreOptions {
  /** Close the client when the store closes (default false). */
  readonly ownsClient?: boolean;
  /** Tuning of `subscribeAll` (default: batches of 500, poll every 250 ms). */
  readonly feed?: Partial<FeedTuning>;
  /** Whether concurrent appends may share a commit (see {@link EventStore.groupsAppends}). */
  readonly groupsAppends?: boolean;
}

/** Options of the `fromPool` and `fromPglite` factories. */
export interface OpenOptions extends Omit<PostgresEventStoreOptions, 'ownsClient'> {
  /** Create the tables if missing (default true). */
  readonly migrate?: boolean;
  /** Also end the pool / close the PGlite instance when the store closes (default false). */
  readonly ownsDatabase?: boolean;
}

type ReadRow = { stream_revision: string } & ({ [K in keyof EventRow]: null } | EventRow);

/** The event store on PostgreSQL or PGlite, with a gap-safe global feed. */
export class PostgresEventStore implements EventStore {
  readonly #client: SqlClient;
  readonly #ownsClient: boolean;
  readonly #feed: FeedTuning;
  readonly #waker: FeedWaker;
  readonly groupsAppends: boolean;

  constructor(client: SqlClient, options: PostgresEventStoreOptions = {}) {
    this.#client = client;
    this.groupsAppends = options.groupsAppends ?? false;
    this.#waker = new FeedWaker(client);
    this.#ownsClient = options.ownsClient ?? false;
    this.#feed = { batchSize: 500, pollMs: 250, ...options.feed };
  }

  /** A store over a `pg.Pool`, with its tables created unless `migrate: false`. */
  static fromPool(pool: pg.Pool, options: OpenOptions = {}): Promise<PostgresEventStore> {
    const client = new PgSqlClient(pool, { ownsPool: options.ownsDatabase ?? false });
    return PostgresEventStore.#open(client, options, true);
  }

  /** A store over a PGlite instance, with its tables created unless `migrate: false`. */
  static fromPglite(db: PGliteInterface, options: OpenOptions = {}): Promise<PostgresEventStore> {
    const client = new PgliteSqlClient(db, { ownsDb: options.ownsDatabase ?? false });
    return PostgresEventStore.#open(client, options, false);
  }

  static async #open(
    client: SqlClient,
    options: OpenOptions,
    groupsAppends: boolean,
  ): Promise<PostgresEventStore> {
    if (options.migrate ?? true) await migrateEventStore(client);
    return new PostgresEventStore(client, {
      ownsClient: true,
      feed: options.feed ?? {},
      groupsAppends,
    });
  }

  async append(
    streamId: string,
    events: readonly NewEvent[],
    options: { readonly expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    const result = await appendEvents(this.#client, streamId, events, options.expectedRevision);
    if (events.length > 0) this.#waker.wake();
    return result;
  }

  async appendMany(appends: readonly StreamAppend[]): Promise<StreamAppendOutcome[]> {
    const outcomes = await appendMany(this.#client, appends);
    if (outcomes.some((o, i) => o.ok && appends[i]!.events.length > 0)) this.#waker.wake();
    return outcomes;
  }

  async read(streamId: string, options: ReadStreamOptions = {}): Promise<ReadStreamResult> {
    // One statement, one snapshot: the revision always matches the events returned.
    const { rows } = await this.#client.query<ReadRow>(
      `SELECT s.revision::text AS stream_revision, ${EVENT_COLUMNS}
      FROM streams s LEFT JOIN events e ON e.stream_id = s.stream_id AND e.revision >= $2::bigint
      WHERE s.stream_id = $1
      ORDER BY e.revision`,
      [streamId, `${options.from ?? 0n}`],
    );
    const first = rows[0];
    if (first === undefined) return { events: [], revision: null };
    const events = rows.flatMap((row) => (row.event_id === null ? [] : [toRecordedEvent(row)]));
    return { events, revision: BigInt(first.stream_revision) };
  }

  subscribeAll(options: SubscribeAllOptions = {}): AsyncIterable<RecordedEvent> {
    return followFeed(this.#client, options, this.#feed);
  }

  async headPosition(): Promise<string | undefined> {
    const { rows } = await this.#client.query<{ tx_id: string; global_position: string }>(
      // Qualified: a bare `tx_id` in ORDER BY is the text alias, which sorts "99" above "100".
      `SELECT e.tx_id::text AS tx_id, e.global_position::text AS global_position FROM events e
      ORDER BY e.tx_id DESC, e.global_position DESC LIMIT 1`,
    );
    const row = rows[0];
    return row === undefined ? undefined : formatPosition(row.tx_id, row.global_position);
  }

  comparePositions(a: string, b: string): number {
    return comparePositions(a, b);
  }

  async close(): Promise<void> {
    if (this.#ownsClient) await this.#client.close();
  }
}
