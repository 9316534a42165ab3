import { type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import type { Db } from './database.js';
import * as readModels from './migrations/001-read-models.js';
import * as billing from './migrations/002-billing.js';
import * as notifications from './migrations/003-notifications.js';
import * as holdExpiry from './migrations/004-hold-expiry.js';
import * as dataSafety from './migrations/005-data-safety.js';
import * as billingOutbox from './migrations/006-billing-outbox.js';
import * as idempotencyExpiry from './migrations/007-idempotency-expiry.js';
import * as filmsSearch from './migrations/008-films-search.js';
import * as social from './migrations/009-social.js';
import * as ticketsMail from './migrations/010-tickets-mail.js';
import * as rooms from './migrations/011-rooms.js';
import * as tracking from './migrations/012-tracking.js';
import * as friends from './migrations/013-friends.js';
import * as friendWants from './migrations/014-friend-wants.js';
import * as trackingFilmRollups from './migrations/015-tracking-film-rollups.js';
import { installSearchExtensions } from './search-extensions.js';

const migrations: Record<string, Migration> = {
  '001-read-models': readModels,
  '002-billing': billing,
  '003-notifications': notifications,
  '004-hold-expiry': holdExpiry,
  '005-data-safety': dataSafety,
  '006-billing-outbox': billingOutbox,
  '007-idempotency-expiry': idempotencyExpiry,
  '008-films-search': filmsSearch,
  '009-social': social,
  '010-tickets-mail': ticketsMail,
  '011-rooms': rooms,
  '012-tracking': tracking,
  '013-friends': friends,
  '014-friend-wants': friendWants,
  '015-tracking-film-rollups': trackingFilmRollups,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** The read-model migrations, for a migrator bound to another schema (a rebuild's scratch). */
export const readModelMigrations: MigrationProvider = provider;

/**
 * What PostgreSQL answers when a table, column or schema vanishes under a catalog scan:
 * undefined_table, undefined_column, invalid_schema_name.
 */
const VANISHED = new Set(['42P01', '42703', '3F000']);

// Kysely's default name for the table recording applied migrations.
const MIGRATION_TABLE = 'kysely_migration';

/**
 * Whether every migration is already recorded in this schema's Kysely migration table. Asked
 * before the Migrator, which lists every table of every schema to find its own: on a database
 * shared with other schemas that is slow, and it fails when one of them is dropped meanwhile.
 */
async function allApplied(db: Db, schema: string): Promise<boolean> {
  const { rows: found } = await sql<{ exists: boolean }>`
    select exists (select 1 from pg_catalog.pg_tables
      where schemaname = ${schema} and tablename = ${MIGRATION_TABLE}) as exists`.execute(db);
  if (!found[0]?.exists) return false;
  const { rows } = await sql<{ name: string }>`
    select name from ${sql.table(`${schema}.${MIGRATION_TABLE}`)}`.execute(db);
  const applied = new Set(rows.map((row) => row.name));
  return Object.keys(migrations).every((name) => applied.has(name));
}

/** Brings the read-model schema up to date; throws with the failing migration's error. */
export async function migrateReadModels(db: Db): Promise<void> {
  await installSearchExtensions(db);
  // Kysely looks for its own tables in every schema unless told which: name ours, or a
  // neighbouring schema's migration tables would be mistaken for this one's.
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema ?? 'public';
  // Every start after the first: nothing to do, and nothing to ask the Migrator.
  if (await allApplied(db, schema)) return;
  const migrator = new Migrator({
    db,
    provider,
    migrationTableSchema: schema,
    migrationTableName: MIGRATION_TABLE,
  });
  // The migrator still introspects every schema of the database, which fails spuriously when
  // another process drops or swaps a table meanwhile (a rebuild's scratch schema): try again.
  for (let attempt = 1; ; attempt++) {
    const { error } = await migrator.migrateToLatest();
    if (!error) return;
    const vanished = error instanceof Error && 'code' in error && VANISHED.has(String(error.code));
    if (!vanished || attempt >= 5) throw error instanceof Error ? error : new Error(String(error));
  }
}
