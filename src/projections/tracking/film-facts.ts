import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { createPartition } from './tracking-partitions.js';
import { utcDay } from './tracking-rows.js';

/**
 * Records a `custom` `film_added` event for every film that has none yet, at the time the film
 * was added, so "films added per month" is a query over tracking events. The message id is
 * derived from the film id, so running it again (every start, every import) adds nothing, and
 * films added before tracking existed are recorded too.
 */
export async function recordFilmsAdded(db: Db, now: Date): Promise<number> {
  const day = utcDay(now);
  await createPartition(db, day);
  const { rows } = await sql<{ n: number }>`
    WITH input AS (
      SELECT md5('film_added:' || f.id::text)::uuid AS message_id, f.id, f.source, f.added_at
      FROM films f
    ), fresh AS (
      INSERT INTO tracking_message_ids (message_id, day)
      SELECT message_id, ${day}::date FROM input
      ON CONFLICT (message_id) DO NOTHING
      RETURNING message_id
    ), stored AS (
      INSERT INTO tracking_events (message_id, day, occurred_at, received_at, type, film_id, name,
        properties)
      SELECT i.message_id, ${day}::date, i.added_at, ${now.toISOString()}::timestamptz, 'custom',
        i.id, 'film_added', jsonb_build_object('name', 'film_added', 'properties',
          jsonb_build_object('filmId', i.id, 'source', i.source))
      FROM input i JOIN fresh USING (message_id)
      RETURNING 1
    )
    SELECT count(*)::int AS n FROM stored`.execute(db);
  return rows[0]?.n ?? 0;
}
