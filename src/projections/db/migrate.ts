import { type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { Db } from './database.js';
import * as readModels from './migrations/001-read-models.js';

const migrations: Record<string, Migration> = {
  '001-read-models': readModels,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the read-model schema up to date; throws with the failing migration's error. */
export async function migrateReadModels(db: Db): Promise<void> {
  const migrator = new Migrator({ db, provider });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
}
