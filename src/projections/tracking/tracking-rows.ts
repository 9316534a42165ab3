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

/**
 * Inserts rows whose message id is new, in one statement (unnest of column arrays: one round
 * trip and one plan for any batch size), and returns the ids it stored. Ids are claimed in
 * `tracking_message_ids` in the same statement, so an event is stored once across partitions
 * and days. The rows must not repeat a message id (the caller dedupes a batch first).
 */
export async function insertTrackingRows(
  db: Db,
  rows: readonly TrackingRow[],
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const column = <T>(pick: (row: TrackingRow) => T) => rows.map(pick);
  const { rows: stored } = await sql<{ message_id: string }>`
    WITH input AS (
      SELECT * FROM unnest(
        ${column((r) => r.messageId)}::uuid[], ${column((r) => r.day)}::date[],
        ${column((r) => r.occurredAt.toISOString())}::timestamptz[],
        ${column((r) => r.receivedAt.toISOString())}::timestamptz[],
        ${column((r) => r.type)}::text[], ${column((r) => r.userId)}::uuid[],
        ${column((r) => r.anonymousId)}::text[], ${column((r) => r.sessionId)}::text[],
        ${column((r) => r.pagePath)}::text[], ${column((r) => r.filmId)}::uuid[],
        ${column((r) => r.name)}::text[], ${column((r) => r.properties)}::text[]
      ) AS t(message_id, day, occurred_at, received_at, type, user_id, anonymous_id,
        session_id, page_path, film_id, name, properties)
    ), fresh AS (
      INSERT INTO tracking_message_ids (message_id, day)
      SELECT message_id, day FROM input
      ON CONFLICT (message_id) DO NOTHING
      RETURNING message_id
    )
    INSERT INTO tracking_events (message_id, day, occurred_at, received_at, type, user_id,
      anonymous_id, session_id, page_path, film_id, name, properties)
    SELECT i.message_id, i.day, i.occurred_at, i.received_at, i.type, i.user_id, i.anonymous_id,
      i.session_id, i.page_path, i.film_id, i.name, i.properties::jsonb
    FROM input i JOIN fresh USING (message_id)
    RETURNING message_id`.execute(db);
  return new Set(stored.map((r) => r.message_id));
}
