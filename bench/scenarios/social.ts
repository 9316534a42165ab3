import { sql } from 'kysely';
import pg from 'pg';
import { friendsWhoWant, matches } from '../../src/api/social/match-queries.js';
import { readModelsOnPool } from '../../src/projections/db/connect.js';
import { fillFriendWants } from '../../src/projections/db/migrations/014-friend-wants.js';
import type { RunContext } from '../lib/context.js';
import type { Measurement } from '../lib/figures.js';
import { DATABASE_URL } from '../lib/server.js';
import { percentile } from '../lib/stats.js';

const USERS = 10_000;
const FOLLOWS_EACH = 200;
const WISHES_EACH = 50;

/**
 * 10,000 users, each following the 100 before and the 100 after them on a ring (200 follows,
 * all mutual: 200 friends, the worst case for both queries) and wishing 50 of the catalogue's
 * films; seeded straight into the read-model tables of the run's schema, with what the social
 * projection keeps beside them (friends; per wish, the friends who want the film too). Then
 * times the two queries exactly as the API runs them, one at a time for random users: GET
 * /api/films/:id/friends and GET /api/me/matches (first page of 20). Figure: p95 of each.
 */
export async function social(ctx: RunContext): Promise<Measurement> {
  const pool = new pg.Pool({
    connectionString: DATABASE_URL,
    options: `-c search_path=${ctx.schema}`,
    max: 2,
  });
  try {
    const db = readModelsOnPool(pool);
    ctx.log('social: seeding 10,000 users, 2,000,000 follows, 500,000 wishes');
    await seed(pool);
    const films = (await pool.query<{ id: string }>('SELECT id FROM films ORDER BY id')).rows;
    const users = (
      await pool.query<{ id: string }>('SELECT id FROM users WHERE email LIKE $1', ['social-%'])
    ).rows;
    const rounds = ctx.quick ? 300 : 1_000;
    const friends: number[] = [];
    const matched: number[] = [];
    let sizes = 0;
    for (let i = 0; i < rounds; i++) {
      const user = users[Math.floor(Math.random() * users.length)]!.id;
      const film = films[Math.floor(Math.random() * films.length)]!.id;
      let start = performance.now();
      const who = await friendsWhoWant(db, user, film, { limit: 20 });
      friends.push(performance.now() - start);
      start = performance.now();
      const page = await matches(db, user, { limit: 20 });
      matched.push(performance.now() - start);
      sizes += who.items.length + page.items.length;
    }
    return {
      figure: 'social',
      metrics: { friendsP95: percentile(friends, 95), matchesP95: percentile(matched, 95) },
      notes: [
        `${rounds} rounds; friends p50 ${percentile(friends, 50).toFixed(1)} ms, ` +
          `matches p50 ${percentile(matched, 50).toFixed(1)} ms; ${sizes} items answered`,
      ],
    };
  } finally {
    await pool.end();
  }
}

export async function seed(pool: pg.Pool): Promise<void> {
  const half = FOLLOWS_EACH / 2;
  await pool.query(`
    INSERT INTO users (id, email, password_hash, display_name)
    SELECT md5('social-' || i)::uuid, 'social-' || i || '@bench.test', 'x', 'Social ' || i
    FROM generate_series(0, ${USERS - 1}) AS i`);
  await pool.query(`
    INSERT INTO follows (follower_id, followee_id, since)
    SELECT md5('social-' || i)::uuid, md5('social-' || ((i + d + ${USERS}) % ${USERS}))::uuid,
      now() - make_interval(secs => d + ${half})
    FROM generate_series(0, ${USERS - 1}) AS i,
      generate_series(-${half}, ${half}) AS d
    WHERE d <> 0`);
  // What the projection keeps beside the follows: the mutual ones (here all), both ways.
  await pool.query(`
    INSERT INTO friends (user_id, friend_id, since)
    SELECT a.follower_id, a.followee_id, greatest(a.since, b.since)
    FROM follows a
    JOIN follows b ON b.follower_id = a.followee_id AND b.followee_id = a.follower_id`);
  await pool.query(`
    INSERT INTO wishes (user_id, film_id, added_at)
    SELECT md5('social-' || i)::uuid, f.id, now()
    FROM generate_series(0, ${USERS - 1}) AS i,
      LATERAL (SELECT id FROM films ORDER BY md5(id::text || i) LIMIT ${WISHES_EACH}) AS f`);
  // And per wish, the friends who want the film too (about 2 minutes on 2 busy cores).
  await readModelsOnPool(pool)
    .transaction()
    .execute(async (tx) => {
      await sql`SET LOCAL work_mem = '256MB'`.execute(tx);
      await fillFriendWants(tx);
    });
  await pool.query('VACUUM ANALYZE users, follows, friends, wishes, friend_wants, films');
}
