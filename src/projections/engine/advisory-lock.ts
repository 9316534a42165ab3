import { sql } from 'kysely';
import type { Db } from '../db/database.js';

/**
 * Runs `fn` while one connection holds the session-level advisory lock of projector `name`;
 * resolves false at once, without running `fn`, when another session holds it. `fn` gets that
 * connection: a query on it fails once the connection, and with it the lock, is lost. A killed
 * process frees the lock for a standby instance. Advisory locks span the whole database, so the
 * key includes the schema: deployments (and tests) in other schemas must not block this one.
 */
export async function withProjectorLock(
  db: Db,
  name: string,
  fn: (lockConnection: Db) => Promise<void>,
): Promise<boolean> {
  return db.connection().execute(async (conn) => {
    const { rows } = await sql<{ locked: boolean }>`
      SELECT pg_try_advisory_lock(hashtext('cowatch:projector:' || current_schema() || ':' || ${name})) AS locked`.execute(
      conn,
    );
    if (rows[0]?.locked !== true) return false;
    try {
      await fn(conn);
    } finally {
      // A dead connection has already dropped the lock; nothing to undo then.
      await sql`SELECT pg_advisory_unlock(hashtext('cowatch:projector:' || current_schema() || ':' || ${name}))`
        .execute(conn)
        .catch(() => undefined);
    }
    return true;
  });
}
