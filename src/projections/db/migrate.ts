import { type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import type { Db } from './database.js';
import * as readModels from './migrations/001-read-models.js';

const migrations: Record<string, Migration> = {
  '001-read-models': readModels,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** The read-model migrations, for a migrator bound to another schema (a rebuild's scratch). */
export const readModelMigrations: MigrationProvider = provider;

/** Brings the read-model schema up to date; throws with the failing migration's error. */
export async function migrateReadModels(db: Db): Promise<void> {
  // Kysely looks for its own tables in every schema unless told which: name ours, or a
  // neighbouring schema's migration tables would be mistaken for this one's.
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const migrator = new Migrator({
    db,
    provider,
    migrationTableSchema: rows[0]?.schema ?? 'public',
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
}
