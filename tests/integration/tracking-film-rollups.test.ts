import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readModelsOnPool } from '../../src/projections/db/connect.js';
import type { Db } from '../../src/projections/db/database.js';
import { migrateReadModels } from '../../src/projections/db/migrate.js';
import { filmAnalytics, type Window } from '../../src/projections/tracking/analytics-queries.js';
import { ensurePartitions } from '../../src/projections/tracking/tracking-partitions.js';
import { refreshRollups, sealedDays } from '../../src/projections/tracking/tracking-rollups.js';
import {
  insertTrackingRows,
  type TrackingRow,
} from '../../src/projections/tracking/tracking-rows.js';
import { createTestSchema, databaseUrl, type TestSchema } from '../support/postgres.js';

const DAY = 86_400_000;
const NOW = new Date('2030-03-10T12:00:00Z');
const film = randomUUID();

let schema: TestSchema;
let db: Db;

/** The figures straight from the events (the query filmAnalytics ran before the rollups). */
async function reference(window: Window) {
  const from = (window.from ?? new Date('2000-01-01Z')).toISOString();
  const to = (window.to ?? new Date('2100-01-01Z')).toISOString();
  const where = sql`film_id = ${film}::uuid
    AND occurred_at >= ${from}::timestamptz AND occurred_at < ${to}::timestamptz`;
  const { rows } = await sql<{
    views: number;
    viewers: number;
    likes: number;
    watched: number;
    avg: string | null;
  }>`SELECT
      count(*) FILTER (WHERE type = 'page_view' AND NOT properties ? 'durationMs')::int AS views,
      count(DISTINCT coalesce(user_id::text, anonymous_id))
        FILTER (WHERE type = 'page_view')::int AS viewers,
      count(*) FILTER (WHERE type = 'like' AND properties->>'liked' = 'true')::int AS likes,
      count(*) FILTER (WHERE type = 'watched_to_end')::int AS watched,
      avg((properties->>'durationMs')::numeric)
        FILTER (WHERE type = 'page_view' AND properties ? 'durationMs') AS avg
    FROM tracking_events WHERE ${where}`.execute(db);
  const { rows: changes } = await sql<{ from: string; to: string; count: number }>`
    SELECT properties->>'from' AS from, properties->>'to' AS to, count(*)::int AS count
    FROM tracking_events WHERE ${where} AND type = 'quality_change'
    GROUP BY 1, 2 ORDER BY count DESC, 1, 2`.execute(db);
  const r = rows[0];
  return {
    pageViews: r?.views,
    uniqueViewers: r?.viewers,
    likes: r?.likes,
    watchedToEnd: r?.watched,
    avgTimeOnPageMs: r?.avg == null ? null : Math.round(Number(r.avg)),
    qualityChanges: changes,
  };
}

/** Events over 6 received days, some occurring the day before they arrived (client skew). */
function events(): TrackingRow[] {
  const rows: TrackingRow[] = [];
  for (let d = 0; d < 6; d++) {
    const received = new Date(NOW.getTime() - (5 - d) * DAY);
    for (let i = 0; i < 40; i++) {
      const occurredAt = new Date(received.getTime() - (i % 7) * 3_600_000 * 3);
      const kind = i % 8;
      const type = ['page_view', 'page_view', 'page_view', 'like', 'like', 'quality_change'][
        kind % 6
      ] as string;
      const properties =
        type === 'page_view'
          ? kind === 2
            ? { path: `/films/${film}`, durationMs: 1000 * (i % 5) }
            : { path: `/films/${film}` }
          : type === 'like'
            ? { filmId: film, liked: i % 3 !== 0 }
            : { filmId: film, from: i % 2 ? '360p' : '720p', to: '1080p', position: 1 };
      rows.push({
        messageId: randomUUID(),
        day: received.toISOString().slice(0, 10),
        occurredAt,
        receivedAt: received,
        type: kind === 7 ? 'watched_to_end' : type,
        userId: null,
        anonymousId: `viewer-${(i * 7 + d) % 23}`,
        sessionId: null,
        pagePath: null,
        referrer: null,
        filmId: film,
        name: null,
        properties: JSON.stringify(properties),
      });
    }
  }
  return rows;
}

describe.skipIf(!databaseUrl)('per-film rollups', () => {
  beforeAll(async () => {
    schema = await createTestSchema();
    db = readModelsOnPool(schema.pool);
    await migrateReadModels(db);
    await ensurePartitions(db, new Date(NOW.getTime() - 6 * DAY), 8);
    await insertTrackingRows(db, events());
    await refreshRollups(db, NOW);
  });
  afterAll(async () => schema?.drop());

  it('seals the received days that can no longer change', async () => {
    const sealed = [...(await sealedDays(db))].sort();
    expect(sealed).toEqual([
      '2030-03-04',
      '2030-03-05',
      '2030-03-06',
      '2030-03-07',
      '2030-03-08',
      '2030-03-09',
    ]);
  });

  it('gives the figures the events give, for whole, partial and open days', async () => {
    const at = (iso: string) => new Date(iso);
    const windows: Window[] = [
      {},
      { from: at('2030-03-06T00:00:00Z'), to: at('2030-03-08T00:00:00Z') },
      { from: at('2030-03-05T07:30:00Z'), to: at('2030-03-09T13:00:00Z') },
      { from: at('2030-03-07T03:00:00Z'), to: at('2030-03-07T20:00:00Z') },
      { from: at('2030-03-08T12:00:00Z') },
      { to: at('2030-03-06T18:00:00Z') },
    ];
    for (const window of windows) {
      const { watchedToEndRate: _, ...figures } = await filmAnalytics(db, film, window);
      expect(figures, JSON.stringify(window)).toEqual(await reference(window));
    }
    // The rollups did serve it: the sealed days' raw events are gone and the figures stay.
    const before = await filmAnalytics(db, film, {});
    expect(before.pageViews).toBeGreaterThan(0);
    await sql`DELETE FROM tracking_events WHERE day <= '2030-03-09'`.execute(db);
    expect(await filmAnalytics(db, film, {})).toEqual(before);
  });
});
