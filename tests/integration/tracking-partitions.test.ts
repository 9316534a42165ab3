import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readModelsOnPool } from '../../src/projections/db/connect.js';
import type { Db } from '../../src/projections/db/database.js';
import { migrateReadModels } from '../../src/projections/db/migrate.js';
import {
  detachedPartitions,
  detachPartitionsBefore,
  dropDetachedPartitions,
  ensurePartitions,
  partitionDays,
} from '../../src/projections/tracking/tracking-partitions.js';
import { createTestSchema, databaseUrl, type TestSchema } from '../support/postgres.js';

let schema: TestSchema;
let db: Db;

describe.skipIf(!databaseUrl)('detached tracking partitions', () => {
  beforeAll(async () => {
    schema = await createTestSchema();
    db = readModelsOnPool(schema.pool);
    await migrateReadModels(db);
    await ensurePartitions(db, new Date('2030-01-01T00:00:00Z'), 5);
  });
  afterAll(async () => schema?.drop());

  it('lists what retention detached and drops only those before the day given', async () => {
    expect(await detachedPartitions(db)).toEqual([]);
    expect(await detachPartitionsBefore(db, '2030-01-04')).toEqual([
      '2030-01-01',
      '2030-01-02',
      '2030-01-03',
    ]);
    const detached = await detachedPartitions(db);
    expect(detached.map((p) => [p.day, p.table])).toEqual([
      ['2030-01-01', 'tracking_events_p20300101'],
      ['2030-01-02', 'tracking_events_p20300102'],
      ['2030-01-03', 'tracking_events_p20300103'],
    ]);
    expect(detached.every((p) => p.bytes > 0)).toBe(true);

    // Attached partitions before the day are left alone: only detached ones are dropped.
    expect(await dropDetachedPartitions(db, '2030-01-05')).toEqual([
      'tracking_events_p20300101',
      'tracking_events_p20300102',
      'tracking_events_p20300103',
    ]);
    expect(await detachedPartitions(db)).toEqual([]);
    expect(await partitionDays(db)).toEqual(['2030-01-04', '2030-01-05']);
  });
});
