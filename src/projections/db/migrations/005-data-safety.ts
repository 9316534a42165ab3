import { type Kysely, sql } from 'kysely';

/**
 * Webhook claims: a row with `completed_at` null is a delivery being processed, so a concurrent
 * duplicate can tell "someone runs it" from "done". Projection failures: the event a projection
 * could not apply, so health, metrics and `cowatch verify` can name it across processes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('processed_webhooks')
    .addColumn('completed_at', 'timestamptz')
    .execute();
  await sql`UPDATE processed_webhooks SET completed_at = processed_at`.execute(db);

  await db.schema
    .createTable('projection_failures')
    .addColumn('projector', 'text', (c) => c.notNull())
    .addColumn('projection', 'text', (c) => c.notNull())
    .addColumn('position', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('error', 'text', (c) => c.notNull())
    .addColumn('failed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('projection_failures_pk', ['projector', 'projection'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('projection_failures').execute();
  await db.schema.alterTable('processed_webhooks').dropColumn('completed_at').execute();
}
