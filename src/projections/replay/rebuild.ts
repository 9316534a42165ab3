import { sql } from 'kysely';
import type { EventStore } from '../../eventstore/event-store.js';
import type { Db } from '../db/database.js';
import { lockCheckpoint, saveCheckpoint, waitForPosition } from '../engine/checkpoints.js';
import type { Projection } from '../engine/projection.js';
import { clearProjectionFailures } from '../engine/projection-failures.js';
import { Projector } from '../engine/projector.js';
import {
  READ_MODEL_TABLES,
  READ_MODELS_PROJECTOR,
  type ReadModelTable,
  readModelProjections,
} from '../read-models.js';
import { replaysFilmCounters } from './read-model-groups.js';
import { resetFilmCounters } from './scratch-schema.js';

/** Options of {@link rebuildReadModels}. */
export interface RebuildOptions {
  readonly store: EventStore;
  readonly db: Db;
  /** The projector whose checkpoint is reset (default the read-models projector). */
  readonly name?: string;
  readonly projections?: readonly Projection[];
  /** The tables emptied before the replay (default the read-model tables). */
  readonly tables?: readonly ReadModelTable[];
  readonly batchSize?: number;
  /** Give up waiting for the replay after this long (default 10 minutes). */
  readonly timeoutMs?: number;
}

/** The replay did not reach the head of the log in time; it goes on in the live projector. */
export class RebuildTimeout extends Error {
  override readonly name = 'RebuildTimeout';
  constructor(readonly position: string) {
    super(`the read models did not reach ${position} in time`);
  }
}

/**
 * Replays the whole log into the read models from scratch: empties the tables and resets the
 * checkpoint in one transaction, then waits until a projector has caught up with the head.
 * A projector of the same name running elsewhere notices the reset and starts over; until the
 * replay ends, queries see partial read models. Resolves to the head position replayed to.
 */
export async function rebuildReadModels(options: RebuildOptions): Promise<string | undefined> {
  const { store, db } = options;
  const name = options.name ?? READ_MODELS_PROJECTOR;
  const tables = options.tables ?? READ_MODEL_TABLES;
  await db.transaction().execute(async (tx) => {
    // The checkpoint row first, as a projector's batch does: the same lock order, no deadlock.
    await lockCheckpoint(tx, name);
    await sql`TRUNCATE ${sql.join(tables.map((table) => sql.table(table)))}`.execute(tx);
    // The films stay (no read model); the counters the replay will count again go back to 0.
    if (replaysFilmCounters(tables)) await resetFilmCounters(tx);
    await saveCheckpoint(tx, name, null);
    // Replayed from scratch: a projection stuck on an event gets another try (the fixed code).
    await clearProjectionFailures(tx, name);
  });
  const head = await store.headPosition();
  if (head === undefined) return undefined;
  const projector = new Projector({
    name,
    store,
    db,
    projections: options.projections ?? readModelProjections,
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
  });
  await projector.start();
  try {
    const timeoutMs = options.timeoutMs ?? 600_000;
    if (!(await waitForPosition(db, store, [name], head, { timeoutMs }))) {
      throw new RebuildTimeout(head);
    }
  } finally {
    await projector.stop();
  }
  return head;
}
