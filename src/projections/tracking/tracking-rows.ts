import { sql } from 'kysely';
import type { Db } from '../db/database.js';

/** One row of `tracking_events`, as the ingest builds it. */
export interface TrackingRow {
  readonly messageId: string;
  /** UTC day the server received the event (`YYYY-MM-DD`): the partition key. */
  readonly day: string;
  readonly occurredAt: Date;
  readonly receivedAt: Date;
  readonly type: string;
  readonly userId: string | null;
  readonly anonymousId: string | null;
  readonly sessionId: string | null;
  readonly pagePath: string | null;
  /** Where the page was reached from (`page.referrer`). */
  readonly referrer: string | null;
  /** The film the event is about, when it is about one (for per-film analytics). */
  readonly filmId: string | null;
  /** A custom event's name. */
  readonly name: string | null;
  /** The event's properties as JSON text. */
  readonly properties: string;
}

/** The UTC day of an instant, `YYYY-MM-DD`. */
export function utcDay(time: Date): string {
  return time.toISOString().slice(0, 10);
}

/** PostgreSQL's "no partition of relation found for row". */
export const NO_PARTITION = '23514';

/** PostgreSQL's unique violation: a message id already stored (or being stored). */
const UNIQUE_VIOLATION = '23505';

/**
 * Inserts rows whose message id is new, in one statement (unnest of column arrays: one round
 * trip and one plan for any batch size), and returns the ids it stored. Ids are claimed in
 * `tracking_message_ids` in the same statement, so an event is stored once across partitions
 * and days. The rows must not repeat a message id (the caller dedupes a batch first).
 *
 * Repeats are rare (a client retrying an answer it lost), so the rows are first inserted
 * plainly: a fifth less work for PostgreSQL than ON CONFLICT's speculative insertion and the
 * join on its result (measured: 15 vs 19 µs of backend CPU a row). A repeat aborts that whole
 * statement (nothing of it is kept) and the group is written again the careful way.
 */
export async function insertTrackingRows(
  db: Db,
  rows: readonly TrackingRow[],
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  try {
    await insertStatement(db, rows, 'plain');
    return new Set(rows.map((r) => r.messageId));
  } catch (error) {
    if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
  }
  const { rows: stored } = await insertStatement(db, rows, 'dedupe');
  return new Set(stored.map((r) => r.message_id));
}

/**
 * An array literal of values that need no quoting (uuids, days, ISO instants, type names: no
 * comma, brace, quote, backslash or space), built directly: pg would quote and escape every
 * element in JS, the top pg cost of ingest in the profile.
 */
function plainArray(values: readonly string[]): string {
  return `{${values.join(',')}}`;
}

function insertStatement(db: Db, rows: readonly TrackingRow[], mode: 'plain' | 'dedupe') {
  const column = <T>(pick: (row: TrackingRow) => T) => rows.map(pick);
  const plain = (pick: (row: TrackingRow) => string) => plainArray(rows.map(pick));
  // A request's rows share one receivedAt: printed once.
  let lastReceived: Date | undefined;
  let lastReceivedIso = '';
  const receivedIso = (row: TrackingRow) => {
    if (row.receivedAt !== lastReceived) {
      lastReceived = row.receivedAt;
      lastReceivedIso = row.receivedAt.toISOString();
    }
    return lastReceivedIso;
  };
  const claim =
    mode === 'plain'
      ? sql`INSERT INTO tracking_message_ids (message_id, day) SELECT message_id, day FROM input`
      : sql`INSERT INTO tracking_message_ids (message_id, day)
          SELECT message_id, day FROM input
          ON CONFLICT (message_id) DO NOTHING
          RETURNING message_id`;
  const fresh = mode === 'plain' ? sql`` : sql`JOIN fresh USING (message_id) RETURNING message_id`;
  return sql<{ message_id: string }>`
    WITH input AS (
      SELECT * FROM unnest(
        ${plain((r) => r.messageId)}::uuid[], ${plain((r) => r.day)}::date[],
        ${plain((r) => r.occurredAt.toISOString())}::timestamptz[],
        ${plain(receivedIso)}::timestamptz[],
        ${plain((r) => r.type)}::text[], ${column((r) => r.userId)}::uuid[],
        ${column((r) => r.anonymousId)}::text[], ${column((r) => r.sessionId)}::text[],
        ${column((r) => r.pagePath)}::text[], ${column((r) => r.referrer)}::text[],
        ${column((r) => r.filmId)}::uuid[], ${column((r) => r.name)}::text[],
        ${column((r) => r.properties)}::text[]
      ) AS t(message_id, day, occurred_at, received_at, type, user_id, anonymous_id,
        session_id, page_path, referrer, film_id, name, properties)
    ), fresh AS (${claim})
    INSERT INTO tracking_events (message_id, day, occurred_at, received_at, type, user_id,
      anonymous_id, session_id, page_path, referrer, film_id, name, properties)
    SELECT i.message_id, i.day, i.occurred_at, i.received_at, i.type, i.user_id, i.anonymous_id,
      i.session_id, i.page_path, i.referrer, i.film_id, i.name, i.properties::jsonb
    FROM input i ${fresh}`.execute(db);
}
