import { type Kysely, sql } from 'kysely';

/**
 * Billing safety: the simulated service's webhooks waiting to be delivered (an outbox written
 * in the transaction that decides the payment), and no Stripe client secret left in the
 * bookings read model (the host reads those rows).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('billing_webhook_outbox')
    .addColumn('event_id', 'text', (c) => c.primaryKey())
    .addColumn('payment_id', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull())
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('position', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('billing_webhook_outbox_due_idx')
    .on('billing_webhook_outbox')
    .columns(['next_attempt_at'])
    .where(sql<boolean>`delivered_at IS NULL`)
    .execute();
  await db.schema
    .createIndex('billing_webhook_outbox_payment_idx')
    .on('billing_webhook_outbox')
    .columns(['payment_id'])
    .execute();
  await sql`UPDATE bookings
    SET payment = jsonb_build_object('provider', payment->'provider', 'paymentId', payment->'paymentId')
    WHERE payment IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('billing_webhook_outbox').execute();
}
