import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CommandContext } from '../../src/commands/command-context.js';
import { setFollowing, setListed } from '../../src/commands/social-commands.js';
import catalogue from '../../src/films/catalogue.json' with { type: 'json' };
import type { Db } from '../../src/projections/db/database.js';
import { rebuildReadModels } from '../../src/projections/replay/rebuild.js';
import { backends, type CliEnv, projectToHead, withRuntime } from './cli-env.js';

const meta = () => ({ correlationId: randomUUID() });
const [film0, film1, film2] = catalogue.map((film) => film.id);

/** Follows (one undone), wishes (one undone) and likes through the real commands. */
async function fillSocial(ctx: CommandContext): Promise<void> {
  const [ann, bob, cid, dan] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const follow = (followerId: string, followeeId: string, yes = true) =>
    setFollowing(ctx, { followerId, followeeId, follow: yes }, meta());
  const list = (userId: string, filmId: string, list: 'wishlist' | 'likes', listed = true) =>
    setListed(ctx, { userId, filmId: filmId, list, listed }, meta());
  await follow(ann, bob);
  await follow(bob, ann);
  await follow(ann, cid);
  await follow(cid, ann);
  await follow(cid, ann, false);
  await follow(bob, dan);
  await list(ann, film0!, 'wishlist');
  await list(ann, film1!, 'wishlist');
  await list(bob, film0!, 'wishlist');
  await list(cid, film1!, 'wishlist');
  await list(cid, film1!, 'wishlist', false);
  await list(dan, film2!, 'likes');
  await list(ann, film2!, 'likes');
}

/** Every social row and every film's counters, in a stable order. */
async function socialRows(db: Db) {
  const all = (
    table: 'follows' | 'wishes' | 'likes' | 'follow_counts' | 'friends' | 'friend_wants',
  ) =>
    sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)} ORDER BY 1, 2`
      .execute(db)
      .then((result) => result.rows);
  return {
    follows: await all('follows'),
    followCounts: await all('follow_counts'),
    friends: await all('friends'),
    wishes: await all('wishes'),
    likes: await all('likes'),
    friendWants: await all('friend_wants'),
    counters: await db
      .selectFrom('films')
      .select(['id', 'want_count', 'like_count'])
      .orderBy('id')
      .execute(),
  };
}

/** Drops, alters and invents social rows, and skews every film's counters. */
async function corrupt(db: Db): Promise<void> {
  await sql`DELETE FROM follows WHERE follower_id IN (SELECT follower_id FROM follows LIMIT 1)`.execute(
    db,
  );
  await sql`UPDATE follow_counts SET followers = followers + 40`.execute(db);
  await sql`UPDATE friends SET since = since - interval '1 day'`.execute(db);
  await sql`TRUNCATE wishes`.execute(db);
  await sql`INSERT INTO likes (user_id, film_id, added_at) VALUES (${randomUUID()}, ${film0}, now())`.execute(
    db,
  );
  await sql`UPDATE friend_wants SET friends = friends + 2`.execute(db);
  await sql`UPDATE films SET want_count = want_count + 7, like_count = 3`.execute(db);
}

vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

describe.each(backends)('social read models replayed on $name', (backend) => {
  let env: CliEnv;
  let before: Awaited<ReturnType<typeof socialRows>>;

  // Filled and projected once; each test gets a copy of its own (on PostgreSQL, a new fill).
  const stores = backend.seeded((fresh) =>
    withRuntime(fresh, async (runtime) => {
      await fillSocial(runtime.commands);
      await projectToHead(runtime);
      return socialRows(runtime.db);
    }),
  );

  beforeEach(async () => {
    ({ env, seed: before } = await stores.create());
    // The fixture did write what the test compares.
    expect(before.follows).toHaveLength(4);
    // Ann and Bob follow each other; Cid's follow back was undone.
    expect(before.friends).toHaveLength(2);
    expect(before.wishes).toHaveLength(3);
    expect(before.likes).toHaveLength(2);
    // Per wish, the friends who want the film too: Bob (Ann's friend) wants film0, not film1.
    const count = (row: Record<string, unknown>) => [row.user_id, row.film_id, row.friends];
    expect(before.friendWants.map(count)).toEqual(
      expect.arrayContaining([
        [expect.any(String), film0, 1],
        [expect.any(String), film1, 0],
      ]),
    );
    expect(before.friendWants.filter((row) => row.film_id === film0)).toHaveLength(2);
    const counted = before.counters.filter((film) => film.want_count + film.like_count > 0);
    expect(counted.map((film) => [film.id, film.want_count, film.like_count]).sort()).toEqual(
      [
        [film0, 2, 0],
        [film1, 1, 0],
        [film2, 0, 2],
      ].sort(),
    );
  });
  afterEach(() => env.dispose());
  afterAll(() => stores.dispose());

  it('verify finds corrupted social rows and counters; replay --projection social repairs them', async () => {
    expect((await env.cli(['verify'])).code).toBe(0);
    await withRuntime(env, ({ db }) => corrupt(db));
    const failed = await env.cli(['verify']);
    expect(failed.code).toBe(1);
    for (const table of [
      'follows',
      'follow_counts',
      'friends',
      'wishes',
      'likes',
      'friend_wants',
      'films',
    ]) {
      expect(failed.out).toMatch(new RegExp(`^${table} `, 'm'));
    }
    expect(failed.out).toMatch(/^films +id=\S+ +want_count /m);

    const replayed = await env.cli(['replay', '--projection', 'social']);
    expect(replayed.code).toBe(0);
    expect(replayed.out).toMatch(
      /swapped in follows, follow_counts, friends, wishes, likes, friend_wants at position /,
    );
    expect(await withRuntime(env, ({ db }) => socialRows(db))).toEqual(before);
    const verified = await env.cli(['verify']);
    expect(verified.out).toMatch(/^verify ok/m);
    expect(verified.code).toBe(0);
  });

  it('a full replay swaps the social tables in with the others', async () => {
    await withRuntime(env, ({ db }) => corrupt(db));
    const replayed = await env.cli(['replay']);
    expect(replayed.code).toBe(0);
    expect(replayed.out).toMatch(
      /swapped in places, screenings, bookings, seat_claims, rooms, room_members, room_invites, room_messages, follows, follow_counts, friends, wishes, likes, friend_wants at/,
    );
    expect(await withRuntime(env, ({ db }) => socialRows(db))).toEqual(before);
  });

  it('a rebuild in place empties them, zeroes the counters and projects them again', async () => {
    await withRuntime(env, async ({ db, store }) => {
      await corrupt(db);
      await rebuildReadModels({ store, db, timeoutMs: 20_000 });
      expect(await socialRows(db)).toEqual(before);
    });
  });
});
