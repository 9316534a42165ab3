import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { createBillingProvider } from './billing/billing-factory.js';
import type { BillingProvider } from './commands/billing-provider.js';
import { type CommandContext, createCommandContext } from './commands/command-context.js';
import type { CommandObserver } from './commands/decider-handler.js';
import type { Config } from './config.js';
import type { EventStore } from './eventstore/event-store.js';
import { PostgresEventStore } from './eventstore/postgres/postgres-event-store.js';
import { readModelsOnPglite, readModelsOnPool } from './projections/db/connect.js';
import { DataDirError, lockDataDir } from './projections/db/data-dir-lock.js';
import type { Db } from './projections/db/database.js';
import { migrateReadModels } from './projections/db/migrate.js';
import { openPglite } from './projections/db/open-pglite.js';
import { loadFilmCatalogue } from './projections/read-models/films/films-catalogue.js';
import { ensurePartitions } from './projections/tracking/tracking-partitions.js';

/** The stores and handlers one process works with. */
export interface Runtime {
  readonly config: Config;
  readonly store: EventStore;
  readonly db: Db;
  readonly commands: CommandContext;
  /** The billing provider BILLING names (simulated or Stripe). */
  readonly billing: BillingProvider;
  readonly now: () => Date;
  /** Adds an observer of every command this runtime handles (metrics). */
  observeCommands(observer: CommandObserver): void;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** The clock; tests move it instead of waiting. */
  readonly now?: () => Date;
}

/** Opens the event store and read models the configuration names, migrated and seeded. */
export async function openRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const now = options.now ?? (() => new Date());
  const { store, db, close } = config.DATABASE_URL
    ? await onPostgres(config)
    : await onPglite(config);
  try {
    await migrateReadModels(db);
    // Yesterday too: a request received just before midnight may commit just after it.
    await ensurePartitions(db, new Date(now().getTime() - 86_400_000), 2);
    await loadFilmCatalogue(db, now());
  } catch (error) {
    await close();
    // On the embedded database a failing migration is most likely a damaged folder.
    if (config.DATABASE_URL || config.DATA_DIR.startsWith('memory://')) throw error;
    throw damaged(join(config.DATA_DIR, 'pglite'), error);
  }
  const observers: CommandObserver[] = [];
  const observer: CommandObserver = {
    outcome: (...args) => {
      for (const o of observers) o.outcome(...args);
    },
    conflict: (...args) => {
      for (const o of observers) o.conflict(...args);
    },
    retry: (...args) => {
      for (const o of observers) o.retry(...args);
    },
    batch: (...args) => {
      for (const o of observers) o.batch(...args);
    },
  };
  const commands = createCommandContext(store, { now, holdSeconds: config.HOLD_TTL, observer });
  const billing = await createBillingProvider(config, db);
  const observeCommands = (o: CommandObserver) => observers.push(o);
  return { config, store, db, commands, billing, now, observeCommands, close };
}

interface Stores {
  readonly store: EventStore;
  readonly db: Db;
  close(): Promise<void>;
}

async function onPostgres(config: Config): Promise<Stores> {
  const pool = new pg.Pool({
    connectionString: config.DATABASE_URL,
    max: config.DATABASE_POOL_SIZE,
    ...(config.DATABASE_SCHEMA ? { options: `-c search_path=${config.DATABASE_SCHEMA}` } : {}),
  });
  // An idle client dropped by the server is replaced on next use; it must not crash the process.
  pool.on('error', () => undefined);
  return withStores(
    config,
    readModelsOnPool(pool),
    () => PostgresEventStore.fromPool(pool),
    () => pool.end(),
  );
}

/** The event store the config names (EventStoreDB, else the SQL one) beside the read models. */
async function withStores(
  config: Config,
  db: Db,
  sqlStore: () => Promise<EventStore>,
  closeDatabase: () => Promise<void>,
): Promise<Stores> {
  // Loaded only when configured: its gRPC client is 0.1 s of start-up every CLI call would pay.
  const store = config.EVENTSTORE_URL
    ? new (
        await import('./eventstore/eventstoredb/eventstoredb-event-store.js')
      ).EventStoreDbEventStore(config.EVENTSTORE_URL)
    : await sqlStore();
  return {
    store,
    db,
    async close() {
      await store.close();
      await db.destroy();
      await closeDatabase();
    },
  };
}

async function onPglite(config: Config): Promise<Stores> {
  // `memory://` keeps everything in memory (tests); anything else is a folder on disk.
  const inMemory = config.DATA_DIR.startsWith('memory://');
  if (inMemory) {
    const pglite = await openPglite('memory://');
    return withStores(
      config,
      readModelsOnPglite(pglite),
      () => PostgresEventStore.fromPglite(pglite),
      () => pglite.close(),
    );
  }
  await mkdir(config.DATA_DIR, { recursive: true });
  const unlock = await lockDataDir(config.DATA_DIR);
  const folder = join(config.DATA_DIR, 'pglite');
  try {
    const pglite = await openPglite(folder).catch((error: unknown) => {
      throw damaged(folder, error);
    });
    const stores = await withStores(
      config,
      readModelsOnPglite(pglite),
      () => PostgresEventStore.fromPglite(pglite),
      async () => {
        await pglite.close();
        await unlock();
      },
    ).catch(async (error: unknown) => {
      await pglite.close().catch(() => undefined);
      throw damaged(folder, error);
    });
    return stores;
  } catch (error) {
    await unlock();
    throw error;
  }
}

/** What to say when the embedded database does not open: most likely it is damaged. */
function damaged(folder: string, error: unknown): Error {
  if (error instanceof DataDirError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new DataDirError(
    `the embedded database in ${folder} cannot be opened (${reason}). It is probably damaged ` +
      '(e.g. two processes used it at once). Restore it from a backup, or move the folder ' +
      'aside and start afresh (then `cowatch import` an export of the log, if you have one).',
  );
}
