import { type Kysely, sql } from 'kysely';

/** Idempotency keys expire: the sweep finds old ones by age; anonymous keys are no longer kept. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('idempotency_keys_created_at_idx')
    .on('idempotency_keys')
    .column('created_at')
    .execute();
  // Keys of anonymous requests were stored under one shared scope: they protected no one.
  await sql`DELETE FROM idempotency_keys WHERE user_scope = 'anonymous'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('idempotency_keys_created_at_idx').execute();
}
