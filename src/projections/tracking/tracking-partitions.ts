import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { utcDay } from './tracking-rows.js';

const DAY_MS = 86_400_000;
const PARTITION = /^tracking_events_p(\d{4})(\d{2})(\d{2})$/;

// Another node creating the same partition at the same moment: duplicate table or type name.
const ALREADY_THERE = new Set(['42P07', '23505', '42710']);

function partitionName(day: string): string {
  return `tracking_events_p${day.replaceAll('-', '')}`;
}

/** Creates the daily partitions of `tracking_events` for `days` days from `from` (UTC). */
export async function ensurePartitions(db: Db, from: Date, days: number): Promise<void> {
  const existing = new Set(await partitionDays(db));
  for (let i = 0; i < days; i++) {
    const day = utcDay(new Date(from.getTime() + i * DAY_MS));
    if (!existing.has(day)) await createPartition(db, day);
  }
}

/** Creates the partition of one UTC day (`YYYY-MM-DD`) unless it exists. */
export async function createPartition(db: Db, day: string): Promise<void> {
  const next = utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS));
  try {
    await sql`CREATE TABLE IF NOT EXISTS ${sql.id(partitionName(day))}
      PARTITION OF tracking_events FOR VALUES FROM (${sql.lit(day)}) TO (${sql.lit(next)})`.execute(
      db,
    );
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (!ALREADY_THERE.has(String(code))) throw error;
  }
}

/** The days that have an attached partition, oldest first. */
export async function partitionDays(db: Db): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'tracking_events'::regclass`.execute(db);
  return rows
    .map((r) => PARTITION.exec(r.name))
    .filter((m) => m !== null)
    .map((m) => `${m[1]}-${m[2]}-${m[3]}`)
    .sort();
}

/**
 * Detaches the partitions of days before `cutoff` (they stay as plain tables, to archive or
 * drop) and forgets their message ids: dedupe lasts as long as the data is kept.
 */
export async function detachPartitionsBefore(db: Db, cutoff: string): Promise<string[]> {
  const old = (await partitionDays(db)).filter((day) => day < cutoff);
  for (const day of old) {
    await sql`ALTER TABLE tracking_events DETACH PARTITION ${sql.id(partitionName(day))}`.execute(
      db,
    );
  }
  await sql`DELETE FROM tracking_message_ids WHERE day < ${cutoff}::date`.execute(db);
  return old;
}

/** A day partition detached by retention: a plain table left to archive or drop. */
export interface DetachedPartition {
  readonly day: string;
  readonly table: string;
  readonly bytes: number;
}

/** The detached day partitions in the current schema, oldest first. */
export async function detachedPartitions(db: Db): Promise<DetachedPartition[]> {
  const { rows } = await sql<{ name: string; bytes: string }>`
    SELECT c.relname AS name, pg_total_relation_size(c.oid)::text AS bytes
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind = 'r'
      AND c.relname LIKE 'tracking\\_events\\_p%'
      AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid)`.execute(db);
  return rows
    .map((r) => ({ match: PARTITION.exec(r.name), table: r.name, bytes: Number(r.bytes) }))
    .filter((r) => r.match !== null)
    .map(({ match, table, bytes }) => ({
      day: `${match?.[1]}-${match?.[2]}-${match?.[3]}`,
      table,
      bytes,
    }))
    .sort((a, b) => a.day.localeCompare(b.day));
}

/**
 * Drops the detached day partitions of days before `before` (archive them first, e.g. with
 * `pg_dump --table`); attached partitions are never touched. Returns the tables dropped.
 */
export async function dropDetachedPartitions(db: Db, before: string): Promise<string[]> {
  const old = (await detachedPartitions(db)).filter((p) => p.day < before);
  for (const { table } of old) await sql`DROP TABLE ${sql.id(table)}`.execute(db);
  return old.map((p) => p.table);
}
