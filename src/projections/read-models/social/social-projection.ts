import { sql } from 'kysely';
import type { Tx } from '../../db/database.js';
import { chunks } from '../../engine/batch-sql.js';
import type { Projection } from '../../engine/projection.js';
import { recountFriendWants } from './friend-wants.js';
import {
  applySocialEvent,
  idsOf,
  isSocial,
  netChange,
  type SocialRows,
  type TrackedRow,
  touchedBy,
} from './social-batch.js';
import { loadSocialRows, writeSocialRows } from './social-rows.js';

/**
 * `follows` (+ `follow_counts` and `friends`), `wishes` and `likes` (+ the films' counters), and
 * `friend_wants` (per wish, how many friends want the film too). A batch loads the rows its
 * events touch, moves them through the events in order in memory, then writes what changed
 * in a few statements. Counters move only by rows really inserted or deleted, so a replayed
 * event changes nothing twice, and a follow and an unfollow in one batch net out.
 */
export const socialProjection: Projection = {
  name: 'social',
  async applyBatch(tx, batch) {
    const events = batch.filter(isSocial);
    if (events.length === 0) return;
    const rows = await loadSocialRows(tx, touchedBy(events));
    for (const event of events) applySocialEvent(rows, event);
    await writeSocialRows(tx, rows);
    await countFollows(tx, rows.follows);
    await countFilms(tx, rows);
    await recountFriendWants(tx, rows);
  },
};

/**
 * Each user's followers and following, moved by the follows the batch added or took away. A user
 * with a follow written gets a row even when it nets out to zero, as a follow then an unfollow
 * one at a time leaves.
 */
async function countFollows(tx: Tx, follows: ReadonlyMap<string, TrackedRow>): Promise<void> {
  const counts = new Map<string, { user_id: string; followers: number; following: number }>();
  const countOf = (userId: string) => {
    const known = counts.get(userId) ?? { user_id: userId, followers: 0, following: 0 };
    counts.set(userId, known);
    return known;
  };
  for (const [key, row] of follows) {
    if (!row.written) continue;
    const [followerId, followeeId] = idsOf(key);
    countOf(followerId).following += netChange(row);
    countOf(followeeId).followers += netChange(row);
  }
  for (const rows of chunks([...counts.values()])) {
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
}

/** The films' `want_count` and `like_count`, moved by the wishes and likes added or taken away. */
async function countFilms(tx: Tx, rows: SocialRows): Promise<void> {
  const counts = new Map<string, { want: number; like: number }>();
  const add = (list: ReadonlyMap<string, TrackedRow>, counter: 'want' | 'like') => {
    for (const [key, row] of list) {
      const change = netChange(row);
      if (change === 0) continue;
      const filmId = idsOf(key)[1];
      const film = counts.get(filmId) ?? { want: 0, like: 0 };
      film[counter] += change;
      counts.set(filmId, film);
    }
  };
  add(rows.wishes, 'want');
  add(rows.likes, 'like');
  if (counts.size === 0) return;
  const ids = [...counts.keys()];
  const wants = ids.map((id) => counts.get(id)?.want ?? 0);
  const likes = ids.map((id) => counts.get(id)?.like ?? 0);
  // The builder names the table, so a replay's scratch schema (withSchema) is where it writes.
  const changes = sql<{ id: string; want: number; liked: number }>`unnest(
    ${ids}::uuid[], ${wants}::int[], ${likes}::int[])`.as<'v'>(sql`v(id, want, liked)`);
  await tx
    .updateTable('films')
    .from(changes)
    .set((eb) => ({
      want_count: eb('want_count', '+', eb.ref('v.want')),
      like_count: eb('like_count', '+', eb.ref('v.liked')),
    }))
    .whereRef('films.id', '=', 'v.id')
    .execute();
}
