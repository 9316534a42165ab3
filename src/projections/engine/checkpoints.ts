import { setTimeout as sleep } from 'node:timers/promises';
import type { EventStore } from '../../eventstore/event-store.js';
import type { Db, Tx } from '../db/database.js';

/** The saved position of a projector, or undefined when it has applied nothing yet. */
export async function readCheckpoint(db: Db | Tx, name: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('projection_checkpoints')
    .select('position')
    .where('name', '=', name)
    .executeTakeFirst();
  return row?.position ?? undefined;
}

/**
 * Locks the projector's checkpoint row for the rest of the transaction and returns its position:
 * a second writer of the same name waits here, then sees what the first one committed.
 */
export async function lockCheckpoint(tx: Tx, name: string): Promise<string | undefined> {
  await tx
    .insertInto('projection_checkpoints')
    .values({ name, position: null, updated_at: new Date() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await tx
    .selectFrom('projection_checkpoints')
    .select('position')
    .where('name', '=', name)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return row.position ?? undefined;
}

/** Saves the projector's position; call it inside the batch transaction. */
export async function saveCheckpoint(tx: Tx, name: string, position: string | null): Promise<void> {
  await tx
    .insertInto('projection_checkpoints')
    .values({ name, position, updated_at: new Date() })
    .onConflict((oc) => oc.column('name').doUpdateSet({ position, updated_at: new Date() }))
    .execute();
}

/** Options of {@link waitForPosition}. */
export interface WaitOptions {
  /** Give up after this long (default 5000 ms). */
  readonly timeoutMs?: number;
  /** Poll the checkpoints this often (default 15 ms). */
  readonly pollMs?: number;
}

/** Resolves true once every named checkpoint is at or past `position`, false on timeout. */
export async function waitForPosition(
  db: Db,
  store: Pick<EventStore, 'comparePositions'>,
  names: readonly string[],
  position: string,
  options: WaitOptions = {},
): Promise<boolean> {
  const deadline = Date.now() + (options.timeoutMs ?? 5_000);
  for (;;) {
    if (await havePassed(db, store, names, position)) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await sleep(Math.min(options.pollMs ?? 15, left));
  }
}

async function havePassed(
  db: Db,
  store: Pick<EventStore, 'comparePositions'>,
  names: readonly string[],
  position: string,
): Promise<boolean> {
  if (names.length === 0) return true;
  const rows = await db
    .selectFrom('projection_checkpoints')
    .select(['name', 'position'])
    .where('name', 'in', names)
    .execute();
  const saved = new Map(rows.map((row) => [row.name, row.position]));
  return names.every((name) => {
    const at = saved.get(name);
    return at != null && store.comparePositions(at, position) >= 0;
  });
}
