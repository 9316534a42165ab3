import { sql } from 'kysely';
import type { Tx } from '../db/database.js';
import { FILM_COUNTERS } from '../read-models.js';
import {
  projectionsOwning,
  type ReadModelTable,
  replaysFilmCounters,
} from './read-model-groups.js';
import {
  atLiveCheckpoint,
  type ScratchReplayOptions,
  type ScratchReplayTimings,
} from './scratch-replay.js';
import type { ScratchSchema } from './scratch-schema.js';

/** Options of {@link replayAndSwap}. */
export interface ReplayAndSwapOptions extends ScratchReplayOptions {
  /** The live tables replaced by their replayed copies. */
  readonly tables: readonly ReadModelTable[];
}

/** What {@link replayAndSwap} did. */
export interface ReplayAndSwapResult {
  readonly applied: number;
  /** The checkpoint the swapped-in tables reflect; undefined when nothing was projected yet. */
  readonly position: string | undefined;
  readonly tables: readonly ReadModelTable[];
  readonly timings: ScratchReplayTimings;
}

/**
 * Rebuilds read-model tables without downtime: replays the log into fresh tables in a scratch
 * schema, then swaps them for the live ones in one transaction. Readers wait on the table locks
 * for a moment and never see an empty or partial table. The swapped-in tables land exactly on
 * the projector's checkpoint, which stays where it is: moving it would make the projector skip
 * events for the read models that were not rebuilt (notifications among them).
 */
export async function replayAndSwap(options: ReplayAndSwapOptions): Promise<ReplayAndSwapResult> {
  const { tables } = options;
  const { applied, position, timings } = await atLiveCheckpoint(options, (tx, scratch) =>
    swapTables(tx, scratch, tables),
  );
  return { applied, position, tables, timings };
}

async function swapTables(
  tx: Tx,
  scratch: ScratchSchema,
  tables: readonly ReadModelTable[],
): Promise<void> {
  const live = (table: string) => sql.table(`${scratch.live}.${table}`);
  await sql`LOCK TABLE ${sql.join(tables.map(live))} IN ACCESS EXCLUSIVE MODE`.execute(tx);
  for (const table of tables) {
    await sql`DROP TABLE ${live(table)}`.execute(tx);
    await sql`ALTER TABLE ${sql.table(`${scratch.name}.${table}`)}
      SET SCHEMA ${sql.id(scratch.live)}`.execute(tx);
  }
  if (replaysFilmCounters(tables)) await swapFilmCounters(tx, scratch);
  // The replayed tables are whole again: projections stuck on an event (now fixed) resume.
  const owners = projectionsOwning(tables);
  if (owners.length === 0) return;
  await sql`DELETE FROM ${live('projection_failures')}
    WHERE projection IN (${sql.join(owners.map((name) => sql.lit(name)))})`.execute(tx);
}

/**
 * Films are no read model (the catalogue and imports write them): only their counters are
 * copied from the replay, and only where they differ, so an unchanged film row is not touched.
 */
async function swapFilmCounters(tx: Tx, scratch: ScratchSchema): Promise<void> {
  const { table, columns } = FILM_COUNTERS;
  const set = columns.map((column) => sql`${sql.id(column)} = replayed.${sql.id(column)}`);
  const differs = columns.map(
    (column) => sql`live.${sql.id(column)} IS DISTINCT FROM replayed.${sql.id(column)}`,
  );
  await sql`UPDATE ${sql.table(`${scratch.live}.${table}`)} AS live SET ${sql.join(set)}
    FROM ${sql.table(`${scratch.name}.${table}`)} AS replayed
    WHERE live.id = replayed.id AND (${sql.join(differs, sql` OR `)})`.execute(tx);
}
