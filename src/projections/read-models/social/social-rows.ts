import { type RawBuilder, sql } from 'kysely';
import type { Tx } from '../../db/database.js';
import { chunks } from '../../engine/batch-sql.js';
import {
  idsOf,
  pairKey,
  type SocialRows,
  type SocialTable,
  type TrackedRow,
} from './social-batch.js';

const LISTS = ['wishes', 'likes'] as const;

/** Loads, in one query per table, the rows of `touched` as they stand before the batch. */
export async function loadSocialRows(
  tx: Tx,
  touched: Record<SocialTable, ReadonlySet<string>>,
): Promise<SocialRows> {
  const follows = await loadIf(touched.follows, (keys) =>
    tx
      .selectFrom('follows')
      .select(['follower_id as a', 'followee_id as b', 'since as at'])
      .where(inPairs('follower_id', 'followee_id', keys))
      .execute(),
  );
  // Friends rows come both ways: the one from the smaller id stands for the pair.
  const friends = await loadIf(touched.friends, (keys) =>
    tx
      .selectFrom('friends')
      .select(['user_id as a', 'friend_id as b', 'since as at'])
      .where(inPairs('user_id', 'friend_id', keys))
      .execute(),
  );
  const list = (table: (typeof LISTS)[number]) =>
    loadIf(touched[table], (keys) =>
      tx
        .selectFrom(table)
        .select(['user_id as a', 'film_id as b', 'added_at as at'])
        .where(inPairs('user_id', 'film_id', keys))
        .execute(),
    );
  // One after the other: a transaction is one connection in any case.
  const wishes = await list('wishes');
  const likes = await list('likes');
  return { follows, friends, wishes, likes };
}

interface Loaded {
  readonly a: string;
  readonly b: string;
  readonly at: Date;
}

async function loadIf(
  keys: ReadonlySet<string>,
  load: (keys: ReadonlySet<string>) => Promise<Loaded[]>,
): Promise<Map<string, TrackedRow>> {
  const tracked = new Map<string, TrackedRow>();
  if (keys.size === 0) return tracked;
  for (const key of keys) tracked.set(key, { before: false, at: undefined, written: false });
  for (const row of await load(keys)) {
    tracked.set(pairKey(row.a, row.b), { before: true, at: row.at, written: false });
  }
  return tracked;
}

/** Writes the rows the batch inserted or deleted: follows, friends both ways, wishes, likes. */
export async function writeSocialRows(tx: Tx, rows: SocialRows): Promise<void> {
  const follows = changes(rows.follows);
  for (const chunk of chunks(follows.standing)) {
    await tx
      .insertInto('follows')
      .values(
        chunk.map(([follower_id, followee_id, since]) => ({ follower_id, followee_id, since })),
      )
      .onConflict((oc) =>
        oc.columns(['follower_id', 'followee_id']).doUpdateSet((eb) => ({
          since: eb.ref('excluded.since'),
        })),
      )
      .execute();
  }
  await deleteIf(follows.gone, (keys) =>
    tx
      .deleteFrom('follows')
      .where(inPairs('follower_id', 'followee_id', keys))
      .execute(),
  );

  const friends = changes(rows.friends);
  // One row for a self-follow (refused by the aggregate, yet well-formed): a key twice in one
  // upsert is an error, and a projection must not stop on a well-formed event.
  const bothWays = friends.standing.flatMap(([a, b, since]) =>
    a === b
      ? [{ user_id: a, friend_id: b, since }]
      : [
          { user_id: a, friend_id: b, since },
          { user_id: b, friend_id: a, since },
        ],
  );
  for (const chunk of chunks(bothWays)) {
    await tx
      .insertInto('friends')
      .values(chunk)
      .onConflict((oc) =>
        oc.columns(['user_id', 'friend_id']).doUpdateSet((eb) => ({
          since: eb.ref('excluded.since'),
        })),
      )
      .execute();
  }
  const goneBothWays = [...friends.gone].flatMap((key) => {
    const [a, b] = idsOf(key);
    return [key, pairKey(b, a)];
  });
  await deleteIf(new Set(goneBothWays), (keys) =>
    tx
      .deleteFrom('friends')
      .where(inPairs('user_id', 'friend_id', keys))
      .execute(),
  );

  for (const table of LISTS) {
    const list = changes(rows[table]);
    for (const chunk of chunks(list.standing)) {
      await tx
        .insertInto(table)
        .values(chunk.map(([user_id, film_id, added_at]) => ({ user_id, film_id, added_at })))
        .onConflict((oc) =>
          oc.columns(['user_id', 'film_id']).doUpdateSet((eb) => ({
            added_at: eb.ref('excluded.added_at'),
          })),
        )
        .execute();
    }
    await deleteIf(list.gone, (keys) =>
      tx
        .deleteFrom(table)
        .where(inPairs('user_id', 'film_id', keys))
        .execute(),
    );
  }
}

/** Rows the batch wrote: those standing after it (with their time), the keys of those gone. */
function changes(rows: ReadonlyMap<string, TrackedRow>) {
  const standing: [string, string, Date | string][] = [];
  const gone = new Set<string>();
  for (const [key, row] of rows) {
    if (!row.written) continue;
    // Inserted and deleted again within the batch: never written at all.
    if (row.at === undefined) {
      if (row.before) gone.add(key);
    } else standing.push([...idsOf(key), row.at]);
  }
  return { standing, gone };
}

async function deleteIf(
  keys: ReadonlySet<string>,
  remove: (keys: ReadonlySet<string>) => Promise<unknown>,
) {
  if (keys.size > 0) await remove(keys);
}

/** `(a, b) IN (…)` for keys of two ids, as two array parameters. */
export function inPairs(a: string, b: string, keys: ReadonlySet<string>): RawBuilder<boolean> {
  const pairs = [...keys].map(idsOf);
  const firsts = pairs.map(([first]) => first);
  const seconds = pairs.map(([, second]) => second);
  return sql<boolean>`(${sql.ref(a)}, ${sql.ref(b)}) in (select * from unnest(
    ${firsts}::uuid[], ${seconds}::uuid[]))`;
}
