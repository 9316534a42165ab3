import { type Kysely, sql } from 'kysely';

/**
 * Places get a time zone (tickets and mails show times in it). The mail outbox: one row per event that warrants a mail (its id is the key, so a re-run of
 * the mail reactor adds nothing), sent by the mail sender with retries and backoff.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('places').addColumn('time_zone', 'text').execute();
  await db.schema
    .createTable('mail_outbox')
    .addColumn('event_id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('message', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_error', 'text')
    .addColumn('sent_at', 'timestamptz')
    .addColumn('failed_at', 'timestamptz')
    .execute();
  // The sender's lookup: unsent mail by when it is due.
  await db.schema
    .createIndex('mail_outbox_due_idx')
    .on('mail_outbox')
    .columns(['next_attempt_at'])
    .where(sql<boolean>`sent_at IS NULL AND failed_at IS NULL`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('mail_outbox').execute();
  await db.schema.alterTable('places').dropColumn('time_zone').execute();
}
