import { sql } from 'kysely';
import type { Tx } from '../../db/database.js';
import { idsOf, pairKey, type SocialRows } from './social-batch.js';
import { inPairs } from './social-rows.js';

/**
 * Brings `friend_wants` (per wish, how many of the wisher's friends want the film too) up to
 * the rows the batch wrote: a wish taken away takes its row along; every count the batch may
 * have moved is counted again from `friends` and `wishes` as they now stand. A count moves when
 * a wish of the film by one of the user's friends comes or goes (that friend then or now), or a
 * friendship with someone who wants the film (then or now) begins or ends.
 */
export async function recountFriendWants(tx: Tx, rows: SocialRows): Promise<void> {
  const wishes = [...rows.wishes].filter(([, row]) => row.written);
  const friendships = [...rows.friends].filter(([, row]) => row.written);
  const unwished = new Set(
    wishes.filter(([, row]) => row.at === undefined && row.before).map(([key]) => key),
  );
  if (unwished.size > 0) {
    await tx
      .deleteFrom('friend_wants')
      .where(inPairs('user_id', 'film_id', unwished))
      .execute();
  }
  if (wishes.length === 0 && friendships.length === 0) return;

  // Known without a read: the wishes themselves, and a wish of either side of a friendship
  // that changed counts for the other.
  const known = new Set(wishes.map(([key]) => key));
  const friendsChanged = new Map<string, string[]>();
  for (const [key] of friendships) {
    const [a, b] = idsOf(key);
    friendsChanged.set(a, [...(friendsChanged.get(a) ?? []), b]);
    friendsChanged.set(b, [...(friendsChanged.get(b) ?? []), a]);
  }
  for (const [key] of wishes) {
    const [userId, filmId] = idsOf(key);
    for (const other of friendsChanged.get(userId) ?? []) known.add(pairKey(other, filmId));
  }
  const wished = pairs<{ user_id: string; film_id: string }>(wishes.map(([key]) => key));
  // Both ways: each side's counts of the other's wishes.
  const befriended = pairs<{ user_id: string; other_id: string }>(
    friendships.flatMap(([key]) => {
      const [a, b] = idsOf(key);
      return [key, pairKey(b, a)];
    }),
  );
  const given = pairs<{ user_id: string; film_id: string }>([...known]);

  const keys = tx
    .selectFrom(given.as<'k'>(sql`k(user_id, film_id)`))
    .select(['k.user_id', 'k.film_id'])
    // Friends now of a user whose wish came or went.
    .union(
      tx
        .selectFrom(wished.as<'w'>(sql`w(user_id, film_id)`))
        .innerJoin('friends as f', 'f.friend_id', 'w.user_id')
        .select(['f.user_id', 'w.film_id']),
    )
    // The films now wanted by the other side of a friendship that began or ended.
    .union(
      tx
        .selectFrom(befriended.as<'b'>(sql`b(user_id, other_id)`))
        .innerJoin('wishes as o', 'o.user_id', 'b.other_id')
        .select(['b.user_id', 'o.film_id']),
    );
  await tx
    .insertInto('friend_wants')
    .columns(['user_id', 'film_id', 'friends'])
    .expression(
      tx
        .selectFrom(keys.as('k'))
        // Only wishes have a row.
        .innerJoin('wishes as mine', (join) =>
          join.onRef('mine.user_id', '=', 'k.user_id').onRef('mine.film_id', '=', 'k.film_id'),
        )
        .select((eb) => [
          'k.user_id',
          'k.film_id',
          eb
            .selectFrom('friends as f')
            .innerJoin('wishes as theirs', (join) =>
              join
                .onRef('theirs.user_id', '=', 'f.friend_id')
                .onRef('theirs.film_id', '=', 'k.film_id'),
            )
            .whereRef('f.user_id', '=', 'k.user_id')
            .select((count) => count.cast<number>(count.fn.countAll(), 'integer').as('n'))
            .as('friends'),
        ]),
    )
    .onConflict((oc) =>
      oc.columns(['user_id', 'film_id']).doUpdateSet((eb) => ({
        friends: eb.ref('excluded.friends'),
      })),
    )
    .execute();
}

/** Keys of two ids as a table of two uuid columns. */
function pairs<Row>(keys: readonly string[]) {
  const ids = keys.map(idsOf);
  return sql<Row>`unnest(
    ${ids.map(([a]) => a)}::uuid[], ${ids.map(([, b]) => b)}::uuid[])`;
}
