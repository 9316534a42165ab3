import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../src/domain/decider.js';
import type { RecordedEvent } from '../../src/eventstore/event-store.js';
import { readModelsOnPglite, readModelsOnPool } from '../../src/projections/db/connect.js';
import type { Db } from '../../src/projections/db/database.js';
import { migrateReadModels } from '../../src/projections/db/migrate.js';
import type { ProjectionContext } from '../../src/projections/engine/projection.js';
import { loadFilmCatalogue } from '../../src/projections/read-models/films/films-catalogue.js';
import { notificationsProjection } from '../../src/projections/read-models/notifications/notifications-projection.js';
import { socialProjection } from '../../src/projections/read-models/social/social-projection.js';
import { openFreshPglite } from '../support/pglite-template.js';
import { createTestSchema, databaseUrl } from '../support/postgres.js';

interface Backend {
  readonly db: Db;
  close(): Promise<void>;
}

async function onPostgres(): Promise<Backend> {
  const schema = await createTestSchema();
  const db = readModelsOnPool(schema.pool);
  return { db, close: () => schema.drop() };
}

async function onPglite(): Promise<Backend> {
  const pglite = await openFreshPglite();
  return { db: readModelsOnPglite(pglite), close: () => pglite.close() };
}

const context: ProjectionContext = {
  afterCommit: () => undefined,
  shared: (_key, load) => load(),
};

let revision = 0n;
function recorded(event: DomainEvent, streamId: string): RecordedEvent {
  revision += 1n;
  return {
    id: randomUUID(),
    type: event.type,
    data: event.data as Record<string, unknown>,
    metadata: { correlationId: 'test', schemaVersion: 1 },
    streamId,
    revision,
    position: String(revision),
    createdAt: new Date(),
  };
}

const backends = [
  { name: 'PostgreSQL', open: onPostgres, skip: databaseUrl === undefined },
  { name: 'PGlite', open: onPglite, skip: false },
];

for (const backend of backends) {
  describe.skipIf(backend.skip)(`social projection on ${backend.name}`, () => {
    let env: Backend | undefined;
    afterAll(async () => env?.close());

    it('projects follows, counts and wishes; a replayed event changes nothing twice', async () => {
      env = await backend.open();
      const { db } = env;
      await migrateReadModels(db);
      await loadFilmCatalogue(db);
      const film = await db.selectFrom('films').select('id').limit(1).executeTakeFirstOrThrow();
      const [ada, bob] = [randomUUID(), randomUUID()];
      await db
        .insertInto('users')
        .values([
          { id: ada, email: `${ada}@x.test`, password_hash: 'x', display_name: 'Ada' },
          { id: bob, email: `${bob}@x.test`, password_hash: 'x', display_name: 'Bob' },
        ])
        .execute();
      const at = '2026-12-01T10:00:00.000Z';
      const follow = recorded(
        { type: 'UserFollowed', data: { followerId: ada, followeeId: bob, followedAt: at } },
        `follows-${ada}`,
      );
      const wish = recorded(
        { type: 'FilmWished', data: { userId: ada, filmId: film.id, at } },
        `library-${ada}`,
      );
      const notifications = notificationsProjection();
      for (const event of [follow, wish, follow, wish]) {
        await db.transaction().execute(async (tx) => {
          await socialProjection.applyBatch(tx, [event], context);
          await notifications.applyBatch(tx, [event], context);
        });
      }
      expect(await db.selectFrom('follows').selectAll().execute()).toEqual([
        { follower_id: ada, followee_id: bob, since: new Date(at) },
      ]);
      const counts = await db.selectFrom('follow_counts').selectAll().orderBy('user_id').execute();
      expect(new Map(counts.map((c) => [c.user_id, [c.followers, c.following]]))).toEqual(
        new Map([
          [ada, [0, 1]],
          [bob, [1, 0]],
        ]),
      );
      const row = await db
        .selectFrom('films')
        .select(['want_count', 'like_count'])
        .where('id', '=', film.id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ want_count: 1, like_count: 0 });
      const inbox = await db
        .selectFrom('notifications')
        .select(['user_id', 'type', 'data'])
        .execute();
      expect(inbox).toEqual([
        { user_id: bob, type: 'user.followed', data: { followerId: ada, displayName: 'Ada' } },
      ]);

      const unfollow = recorded(
        { type: 'UserUnfollowed', data: { followerId: ada, followeeId: bob, unfollowedAt: at } },
        `follows-${ada}`,
      );
      const unwish = recorded(
        { type: 'FilmUnwished', data: { userId: ada, filmId: film.id, at } },
        `library-${ada}`,
      );
      for (const event of [unfollow, unwish, unfollow, unwish]) {
        await db.transaction().execute((tx) => socialProjection.applyBatch(tx, [event], context));
      }
      expect(await db.selectFrom('follows').selectAll().execute()).toEqual([]);
      const after = await db.selectFrom('follow_counts').selectAll().execute();
      expect(after.map((c) => c.followers + c.following)).toEqual([0, 0]);
      const unwished = await db
        .selectFrom('films')
        .select('want_count')
        .where('id', '=', film.id)
        .executeTakeFirstOrThrow();
      expect(unwished.want_count).toBe(0);
    });

    it('keeps friends: a follow back makes two rows since then, either unfollow ends both', async () => {
      const own = await backend.open();
      try {
        const { db } = own;
        await migrateReadModels(db);
        const [ada, bob, cy] = [randomUUID(), randomUUID(), randomUUID()];
        const follow = (followerId: string, followeeId: string, followedAt: string) =>
          recorded(
            { type: 'UserFollowed', data: { followerId, followeeId, followedAt } },
            `follows-${followerId}`,
          );
        const unfollow = (followerId: string, followeeId: string) =>
          recorded(
            {
              type: 'UserUnfollowed',
              data: { followerId, followeeId, unfollowedAt: '2026-12-03T00:00:00.000Z' },
            },
            `follows-${followerId}`,
          );
        const apply = async (...events: RecordedEvent[]) => {
          for (const event of events) {
            await db
              .transaction()
              .execute((tx) => socialProjection.applyBatch(tx, [event], context));
          }
        };
        const friends = () =>
          db
            .selectFrom('friends')
            .select(['user_id', 'friend_id', 'since'])
            .orderBy('user_id')
            .orderBy('friend_id')
            .execute();
        const adaToBob = follow(ada, bob, '2026-12-01T10:00:00.000Z');
        const bobToAda = follow(bob, ada, '2026-12-02T10:00:00.000Z');
        await apply(adaToBob, follow(ada, cy, '2026-12-01T11:00:00.000Z'));
        expect(await friends(), 'one-way follows make no friends').toEqual([]);
        // Replayed: the follow back is applied twice and the first follow again, no change.
        await apply(bobToAda, bobToAda, adaToBob);
        const since = new Date('2026-12-02T10:00:00.000Z');
        const both = [
          { user_id: ada, friend_id: bob, since },
          { user_id: bob, friend_id: ada, since },
        ].sort((a, b) => a.user_id.localeCompare(b.user_id));
        expect(await friends()).toEqual(both);
        await apply(unfollow(bob, ada));
        expect(await friends(), 'the follow back undone').toEqual([]);
        await apply(follow(bob, ada, '2026-12-04T10:00:00.000Z'), unfollow(ada, bob));
        expect(await friends(), 'the first follow undone').toEqual([]);
        await apply(unfollow(ada, bob), follow(ada, bob, '2026-12-05T10:00:00.000Z'));
        expect((await friends()).map((row) => row.since)).toEqual([
          new Date('2026-12-05T10:00:00.000Z'),
          new Date('2026-12-05T10:00:00.000Z'),
        ]);
      } finally {
        await own.close();
      }
    });

    it('does not stop on a self-follow, which the aggregate refuses yet is well-formed', async () => {
      const own = await backend.open();
      try {
        const { db } = own;
        await migrateReadModels(db);
        const ada = randomUUID();
        const at = '2026-12-01T10:00:00.000Z';
        const selfFollow = recorded(
          { type: 'UserFollowed', data: { followerId: ada, followeeId: ada, followedAt: at } },
          `follows-${ada}`,
        );
        await db
          .transaction()
          .execute((tx) => socialProjection.applyBatch(tx, [selfFollow], context));
        expect(await db.selectFrom('follows').select('followee_id').execute()).toEqual([
          { followee_id: ada },
        ]);
      } finally {
        await own.close();
      }
    });

    it('keeps friend_wants: per wish, the friends who want the film too, through friendships and unwishes', async () => {
      const own = await backend.open();
      try {
        const { db } = own;
        await migrateReadModels(db);
        await loadFilmCatalogue(db);
        const [f1, f2] = (await db.selectFrom('films').select('id').limit(2).execute()).map(
          (film) => film.id,
        );
        const [ada, bob, cy] = [randomUUID(), randomUUID(), randomUUID()];
        const at = '2026-12-01T10:00:00.000Z';
        const follow = (followerId: string, followeeId: string) =>
          recorded(
            { type: 'UserFollowed', data: { followerId, followeeId, followedAt: at } },
            `follows-${followerId}`,
          );
        const unfollow = (followerId: string, followeeId: string) =>
          recorded(
            { type: 'UserUnfollowed', data: { followerId, followeeId, unfollowedAt: at } },
            `follows-${followerId}`,
          );
        const wish = (userId: string, filmId: string | undefined, wished = true) =>
          recorded(
            {
              type: wished ? 'FilmWished' : 'FilmUnwished',
              data: { userId, filmId: filmId ?? '', at },
            },
            `library-${userId}`,
          );
        // One transaction per event, or (batch) all of them in one, as the projector does.
        const apply = async (events: RecordedEvent[], batch = false) => {
          if (batch) {
            await db.transaction().execute(async (tx) => {
              for (const event of events) await socialProjection.applyBatch(tx, [event], context);
            });
            return;
          }
          for (const event of events) {
            await db
              .transaction()
              .execute((tx) => socialProjection.applyBatch(tx, [event], context));
          }
        };
        const name = new Map<string, string>([
          [ada, 'ada'],
          [bob, 'bob'],
          [cy, 'cy'],
        ]);
        const film = new Map([
          [f1, 'f1'],
          [f2, 'f2'],
        ]);
        const kept = async () =>
          (await db.selectFrom('friend_wants').selectAll().execute())
            .map((row) => `${name.get(row.user_id)} ${film.get(row.film_id)} ${row.friends}`)
            .sort();
        // Counted afresh from friends and wishes: what the kept counts must always equal.
        const counted = async () =>
          (
            await sql<{ user_id: string; film_id: string; friends: number }>`
              SELECT w.user_id, w.film_id, (SELECT count(*) FROM friends f
                JOIN wishes o ON o.user_id = f.friend_id AND o.film_id = w.film_id
                WHERE f.user_id = w.user_id)::int AS friends
              FROM wishes w`.execute(db)
          ).rows
            .map((row) => `${name.get(row.user_id)} ${film.get(row.film_id)} ${row.friends}`)
            .sort();

        await apply([wish(ada, f1), wish(ada, f2), wish(bob, f1)]);
        expect(await kept(), 'no friends yet').toEqual(['ada f1 0', 'ada f2 0', 'bob f1 0']);
        await apply([follow(ada, bob), follow(bob, ada)]);
        expect(await kept(), 'ada and bob befriended').toEqual([
          'ada f1 1',
          'ada f2 0',
          'bob f1 1',
        ]);
        const third = [follow(cy, ada), wish(cy, f1), follow(ada, cy), wish(cy, f2)];
        await apply(third);
        // Replayed: nothing counts twice.
        await apply(third);
        await apply([follow(bob, ada), wish(bob, f1)]);
        expect(await kept()).toEqual(['ada f1 2', 'ada f2 1', 'bob f1 1', 'cy f1 1', 'cy f2 1']);
        expect(await kept()).toEqual(await counted());

        await apply([wish(ada, f1, false), unfollow(bob, ada), wish(ada, f1), wish(ada, f1)], true);
        expect(await kept(), 'unwished, unfriended and wished again, in one batch').toEqual([
          'ada f1 1',
          'ada f2 1',
          'bob f1 0',
          'cy f1 1',
          'cy f2 1',
        ]);
        expect(await kept()).toEqual(await counted());
        await apply([unfollow(ada, cy), wish(cy, f2, false), unfollow(ada, cy)]);
        expect(await kept()).toEqual(['ada f1 0', 'ada f2 0', 'bob f1 0', 'cy f1 0']);
        expect(await kept()).toEqual(await counted());
      } finally {
        await own.close();
      }
    });
  });
}
