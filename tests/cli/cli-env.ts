import { Readable } from 'node:stream';
import { expect } from 'vitest';
import { run } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config.js';
import type { Db } from '../../src/projections/db/database.js';
import { waitForPosition } from '../../src/projections/engine/checkpoints.js';
import { Projector } from '../../src/projections/engine/projector.js';
import { READ_MODELS_PROJECTOR, readModelProjections } from '../../src/projections/read-models.js';
import type { Runtime } from '../../src/runtime.js';
import { openRuntime } from '../../src/runtime.js';
import { newDataDir } from '../support/pglite-template.js';
import { createTestSchema, databaseUrl } from '../support/postgres.js';

/** What one CLI run printed and returned. */
export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** A database for one test: PGlite in a folder, or PostgreSQL in its own schema. */
export interface CliEnv {
  readonly env: Record<string, string>;
  /** Opens the stores the CLI would open; on PGlite, close it before running the CLI. */
  open(now?: () => Date): Promise<Runtime>;
  cli(argv: readonly string[], stdin?: string): Promise<CliResult>;
  dispose(): Promise<void>;
}

/** A backend the CLI tests run on. */
export interface Backend {
  readonly name: 'pglite' | 'postgres';
  /** An empty, migrated store. */
  create(): Promise<CliEnv>;
  /**
   * Stores that `seed` filled: on PGlite seeded once, then copied for each `create` (a
   * folder copy instead of a fresh fill); on PostgreSQL each `create` seeds a new schema.
   * Each test still gets a store of its own.
   */
  seeded<T>(seed: (env: CliEnv) => Promise<T>): Seeded<T>;
}

/** A source of stores filled by the same seed; `dispose` after the last test. */
export interface Seeded<T> {
  create(): Promise<{ readonly env: CliEnv; readonly seed: T }>;
  dispose(): Promise<void>;
}

function envOf(env: Record<string, string>, dispose: () => Promise<void>): CliEnv {
  return {
    env,
    open: (now) => openRuntime(loadConfig({ LOG_LEVEL: 'silent', ...env }), now ? { now } : {}),
    async cli(argv, stdin) {
      let out = '';
      let err = '';
      const code = await run(argv, {
        out: (text) => {
          out += text;
        },
        err: (text) => {
          err += text;
        },
        env: { ...env },
        ...(stdin === undefined ? {} : { stdin: Readable.from([stdin]) }),
      });
      return { code, out, err };
    },
    dispose,
  };
}

/** A new DATA_DIR holding a copy of `from`'s database (a migrated one when unset). */
async function pgliteEnv(from?: string): Promise<CliEnv> {
  const dir = await newDataDir(from);
  return envOf({ DATA_DIR: dir.path }, dir.remove);
}

const pglite: Backend = {
  name: 'pglite',
  create: () => pgliteEnv(),
  seeded(seed) {
    let source: Promise<{ env: CliEnv; seed: Awaited<ReturnType<typeof seed>> }> | undefined;
    const seedOnce = () => {
      source ??= pgliteEnv().then(async (env) => ({ env, seed: await seed(env) }));
      return source;
    };
    return {
      async create() {
        const { env, seed: result } = await seedOnce();
        return { env: await pgliteEnv(env.env.DATA_DIR), seed: result };
      },
      dispose: async () => (await source)?.env.dispose(),
    };
  },
};

const postgres: Backend = {
  name: 'postgres',
  async create() {
    const schema = await createTestSchema();
    await schema.pool.end();
    const env = { DATABASE_URL: databaseUrl ?? '', DATABASE_SCHEMA: schema.schema };
    return envOf(env, () => schema.drop());
  },
  seeded(seed) {
    return {
      async create() {
        const env = await postgres.create();
        return { env, seed: await seed(env) };
      },
      dispose: async () => undefined,
    };
  },
};

/** PGlite always; PostgreSQL too when DATABASE_URL is set. */
export const backends: readonly Backend[] = databaseUrl ? [pglite, postgres] : [pglite];

/** Runs the read-models projector until it has applied the whole log. */
export async function projectToHead(runtime: Runtime): Promise<void> {
  const { store, db } = runtime;
  const head = await store.headPosition();
  if (head === undefined) return;
  const projector = new Projector({
    name: READ_MODELS_PROJECTOR,
    store,
    db,
    projections: readModelProjections,
    retryMs: 20,
  });
  await projector.start();
  try {
    const reached = await waitForPosition(db, store, [READ_MODELS_PROJECTOR], head, {
      timeoutMs: 20_000,
    });
    expect(reached, 'the projector reached the head').toBe(true);
  } finally {
    await projector.stop();
  }
}

/** Every read-model row in a stable order, for comparisons that do not use the CLI's own. */
export async function readModelRows(db: Db) {
  return {
    places: await db.selectFrom('places').selectAll().orderBy('id').execute(),
    screenings: await db.selectFrom('screenings').selectAll().orderBy('id').execute(),
    bookings: await db.selectFrom('bookings').selectAll().orderBy('id').execute(),
    seatClaims: await db
      .selectFrom('seat_claims')
      .selectAll()
      .orderBy('screening_id')
      .orderBy('seat_row')
      .orderBy('seat_number')
      .execute(),
  };
}

/** Opens the env's runtime, runs `fn`, and closes it (PGlite allows one instance per folder). */
export async function withRuntime<T>(
  env: CliEnv,
  fn: (runtime: Runtime) => Promise<T>,
  now?: () => Date,
): Promise<T> {
  const runtime = await env.open(now);
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}
