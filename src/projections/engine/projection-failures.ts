import { sql } from 'kysely';
import type { RecordedEvent } from '../../eventstore/event-store.js';
import type { Db, Tx } from '../db/database.js';

/** A projection stuck on an event it could not apply, as recorded for every process to see. */
export interface ProjectionFailure {
  readonly projector: string;
  readonly projection: string;
  readonly position: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly error: string;
  readonly failedAt: Date;
}

/** The stuck projections, of one projector or of all. */
export async function readProjectionFailures(
  db: Db | Tx,
  projector?: string,
): Promise<ProjectionFailure[]> {
  let query = db.selectFrom('projection_failures').selectAll();
  if (projector !== undefined) query = query.where('projector', '=', projector);
  const rows = await query.orderBy('failed_at').execute();
  return rows.map((row) => ({
    projector: row.projector,
    projection: row.projection,
    position: row.position,
    eventId: row.event_id,
    eventType: row.event_type,
    error: row.error,
    failedAt: new Date(row.failed_at),
  }));
}

/** Records that `projection` cannot apply `event`: it stays stuck there until a rebuild. */
export async function recordProjectionFailure(
  tx: Tx,
  projector: string,
  projection: string,
  event: RecordedEvent,
  error: unknown,
): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  await tx
    .insertInto('projection_failures')
    .values({
      projector,
      projection,
      position: event.position,
      event_id: event.id,
      event_type: event.type,
      error: message.slice(0, 2000),
    })
    .onConflict((oc) => oc.columns(['projector', 'projection']).doNothing())
    .execute();
}

/** Forgets a projector's failures: a rebuild has replayed its read models from the log. */
export async function clearProjectionFailures(db: Db | Tx, projector: string): Promise<void> {
  await db.deleteFrom('projection_failures').where('projector', '=', projector).execute();
}

/** One line naming the stuck projection, its event and the error, for health and the CLI. */
export function describeFailure(failure: ProjectionFailure): string {
  return `${failure.projection} stuck at ${failure.position} on ${failure.eventType} ${failure.eventId}: ${failure.error}`;
}

// SQLSTATE classes of trouble with the connection or the server rather than with the event:
// connection exception, transaction rollback (deadlock, serialization), insufficient resources,
// operator intervention, system error. Those are retried; anything else is the event's fault.
const TRANSIENT_CLASSES = new Set(['08', '40', '53', '57', '58']);

/** Whether an error says the database, not the event, is the problem (retry the batch). */
export function isTransient(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = 'code' in error ? String(error.code) : '';
  if (/^[0-9A-Z]{5}$/.test(code)) return TRANSIENT_CLASSES.has(code.slice(0, 2));
  // Driver-level failures (a closed pool or socket) carry no SQLSTATE.
  return /connection|terminat|ECONN|socket|closed|timeout/i.test(
    error instanceof Error ? error.message : '',
  );
}

/** Runs `fn` in a savepoint of `tx`: a failure undoes only what `fn` wrote. */
export async function inSavepoint(tx: Tx, fn: () => Promise<void>): Promise<void> {
  await sql`SAVEPOINT cowatch_projection`.execute(tx);
  try {
    await fn();
  } catch (error) {
    await sql`ROLLBACK TO SAVEPOINT cowatch_projection`.execute(tx);
    throw error;
  }
  await sql`RELEASE SAVEPOINT cowatch_projection`.execute(tx);
}
