import type { Db } from '../db/database.js';
import { createPartition } from './tracking-partitions.js';
import { insertTrackingRows, NO_PARTITION, type TrackingRow } from './tracking-rows.js';

/**
 * Writes rows, creating a missing day partition on the way (a serve-only node whose
 * maintenance job runs elsewhere, or a clock that crossed into a day not yet prepared).
 */
export async function writeTrackingRows(
  db: Db,
  rows: readonly TrackingRow[],
): Promise<Set<string>> {
  try {
    return await insertTrackingRows(db, rows);
  } catch (error) {
    if ((error as { code?: unknown }).code !== NO_PARTITION) throw error;
    for (const day of new Set(rows.map((row) => row.day))) await createPartition(db, day);
    return insertTrackingRows(db, rows);
  }
}
