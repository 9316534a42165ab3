import { sql } from 'kysely';
import {
  type FollowingEvent,
  followingDecider,
  type LibraryEvent,
  libraryDecider,
} from '../../../src/domain/social/index.js';
import type { RecordedEvent } from '../../../src/eventstore/event-store.js';
import type { Tx } from '../../../src/projections/db/database.js';

/**
 * `follows` (+ `follow_counts` and `friends`), `wishes` and `likes` (+ the films' counters), and
 * `friend_wants`, one event at a time: the oracle of the social projection. Counters, friends
 * and friend counts move only when a follow, friends or list row was really inserted or
 * deleted, so a replayed event changes nothing twice.
 */
export async function socialOneEvent(tx: Tx, event: RecordedEvent): Promise<void> {
  if (followingDecider.isEvent(event)) await applyFollowing(tx, event);
  else if (libraryDecider.isEvent(event)) await applyLibrary(tx, event);
}

async function applyFollowing(tx: Tx, event: FollowingEvent): Promise<void> {
  const { followerId, followeeId } = event.data;
  switch (event.type) {
    case 'UserFollowed': {
      const added = await tx
        .insertInto('follows')
        .values({ follower_id: followerId, followee_id: followeeId, since: event.data.followedAt })
        .onConflict((oc) => oc.columns(['follower_id', 'followee_id']).doNothing())
        .returning('follower_id')
        .execute();
      if (added.length === 0) return;
      await countFollow(tx, followerId, followeeId, 1);
      await befriendIfMutual(tx, followerId, followeeId, event.data.followedAt);
      return;
    }
    case 'UserUnfollowed': {
      const removed = await tx
        .deleteFrom('follows')
        .where('follower_id', '=', followerId)
        .where('followee_id', '=', followeeId)
        .returning('follower_id')
        .execute();
      if (removed.length === 0) return;
      await countFollow(tx, followerId, followeeId, -1);
      // Either side unfollowing ends the friendship, both ways.
      const ended = await tx
        .deleteFrom('friends')
        .where((eb) =>
          eb.or([
            eb.and([eb('user_id', '=', followerId), eb('friend_id', '=', followeeId)]),
            eb.and([eb('user_id', '=', followeeId), eb('friend_id', '=', followerId)]),
          ]),
        )
        .returning('user_id')
        .execute();
      if (ended.length > 0) await countFriendship(tx, followerId, followeeId, -1);
      return;
    }
    default: {
      const _: never = event;
      return;
    }
  }
}

/** A follow that answers one the other way makes two friends rows, since this follow. */
async function befriendIfMutual(tx: Tx, followerId: string, followeeId: string, since: string) {
  const back = await tx
    .selectFrom('follows')
    .select('since')
    .where('follower_id', '=', followeeId)
    .where('followee_id', '=', followerId)
    .executeTakeFirst();
  if (!back) return;
  const made = await tx
    .insertInto('friends')
    .values([
      { user_id: followerId, friend_id: followeeId, since },
      { user_id: followeeId, friend_id: followerId, since },
    ])
    .onConflict((oc) => oc.columns(['user_id', 'friend_id']).doNothing())
    .returning('user_id')
    .execute();
  if (made.length > 0) await countFriendship(tx, followerId, followeeId, 1);
}

/**
 * Two users becoming (or ceasing to be) friends: each one's `friend_wants` rows of the films
 * the other wants gain (or lose) one. A row is there for every wish, so only films both want
 * are touched.
 */
async function countFriendship(tx: Tx, a: string, b: string, delta: 1 | -1) {
  for (const [user, friend] of [
    [a, b],
    [b, a],
  ] as const) {
    await tx
      .updateTable('friend_wants')
      .set({ friends: sql`friends + ${delta}` })
      .where('user_id', '=', user)
      .where(
        'film_id',
        'in',
        tx.selectFrom('wishes').select('film_id').where('user_id', '=', friend),
      )
      .execute();
  }
}

/**
 * A wish (or its end) counts for every friend of the wisher who wants the film too, and has a
 * `friend_wants` row of its own counting those friends (taken away with the wish).
 */
async function countWish(tx: Tx, userId: string, filmId: string, delta: 1 | -1) {
  const friendsOf = tx.selectFrom('friends').select('friend_id').where('user_id', '=', userId);
  await tx
    .updateTable('friend_wants')
    .set({ friends: sql`friends + ${delta}` })
    .where('film_id', '=', filmId)
    .where('user_id', 'in', friendsOf)
    .execute();
  if (delta < 0) {
    await tx
      .deleteFrom('friend_wants')
      .where('user_id', '=', userId)
      .where('film_id', '=', filmId)
      .execute();
    return;
  }
  await tx
    .insertInto('friend_wants')
    .columns(['user_id', 'film_id', 'friends'])
    .expression(
      tx
        .selectFrom('friends as f')
        .innerJoin('wishes as w', (join) =>
          join.onRef('w.user_id', '=', 'f.friend_id').on('w.film_id', '=', filmId),
        )
        .where('f.user_id', '=', userId)
        .select((eb) => [
          eb.cast<string>(eb.val(userId), 'uuid').as('user_id'),
          eb.cast<string>(eb.val(filmId), 'uuid').as('film_id'),
          eb.cast<number>(eb.fn.countAll(), 'integer').as('friends'),
        ]),
    )
    .onConflict((oc) =>
      oc
        .columns(['user_id', 'film_id'])
        .doUpdateSet({ friends: (eb) => eb.ref('excluded.friends') }),
    )
    .execute();
}

async function countFollow(tx: Tx, followerId: string, followeeId: string, delta: 1 | -1) {
  const rows = [
    { user_id: followerId, followers: 0, following: delta },
    { user_id: followeeId, followers: delta, following: 0 },
  ];
  await tx
    .insertInto('follow_counts')
    .values(rows)
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet({
        followers: sql`follow_counts.followers + excluded.followers`,
        following: sql`follow_counts.following + excluded.following`,
      }),
    )
    .execute();
}

const LIST_OF = {
  FilmWished: ['wishes', 'want_count', 1],
  FilmUnwished: ['wishes', 'want_count', -1],
  FilmLiked: ['likes', 'like_count', 1],
  FilmUnliked: ['likes', 'like_count', -1],
} as const;

async function applyLibrary(tx: Tx, event: LibraryEvent): Promise<void> {
  const { userId, filmId, at } = event.data;
  const [table, counter, delta] = LIST_OF[event.type];
  const changed =
    delta > 0
      ? await tx
          .insertInto(table)
          .values({ user_id: userId, film_id: filmId, added_at: at })
          .onConflict((oc) => oc.columns(['user_id', 'film_id']).doNothing())
          .returning('film_id')
          .execute()
      : await tx
          .deleteFrom(table)
          .where('user_id', '=', userId)
          .where('film_id', '=', filmId)
          .returning('film_id')
          .execute();
  if (changed.length === 0) return;
  if (table === 'wishes') await countWish(tx, userId, filmId, delta);
  await tx
    .updateTable('films')
    .set({ [counter]: sql`${sql.ref(counter)} + ${delta}` })
    .where('id', '=', filmId)
    .execute();
}
