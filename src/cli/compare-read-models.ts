import { sql } from 'kysely';
import type { Db, Tx } from '../projections/db/database.js';
import type { ReadModelTable } from '../projections/read-model-groups.js';

/** One cell where the live read models differ from a replay of the log. */
export interface RowDifference {
  readonly table: ReadModelTable;
  /** The row's primary key, e.g. `id=…`. */
  readonly key: string;
  /** The differing column, or `(row)` when the whole row is missing on one side. */
  readonly column: string;
  readonly live: string;
  readonly expected: string;
}

type Row = Record<string, unknown>;

const KEYS: Record<ReadModelTable, readonly string[]> = {
  places: ['id'],
  screenings: ['id'],
  bookings: ['id'],
  seat_claims: ['screening_id', 'seat_row', 'seat_number'],
  rooms: ['id'],
  room_members: ['room_id', 'user_id'],
  room_invites: ['room_id', 'user_id'],
  room_messages: ['id'],
};

/** A value as text, so that dates, jsonb and numbers compare the same on both sides. */
function show(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

async function rowsByKey(db: Db | Tx, schema: string, table: ReadModelTable) {
  const { rows } = await sql<Row>`SELECT * FROM ${sql.table(`${schema}.${table}`)}`.execute(db);
  const key = (row: Row) => KEYS[table].map((column) => `${column}=${show(row[column])}`).join(' ');
  return new Map(rows.map((row) => [key(row), row]));
}

/** Compares the tables of two schemas row by row and column by column, ignoring row order. */
export async function compareReadModels(
  db: Db | Tx,
  liveSchema: string,
  expectedSchema: string,
  tables: readonly ReadModelTable[],
): Promise<RowDifference[]> {
  const differences: RowDifference[] = [];
  for (const table of tables) {
    const live = await rowsByKey(db, liveSchema, table);
    const expected = await rowsByKey(db, expectedSchema, table);
    const keys = [...new Set([...live.keys(), ...expected.keys()])].sort();
    for (const key of keys) {
      const a = live.get(key);
      const b = expected.get(key);
      if (a === undefined || b === undefined) {
        const [l, e] = a === undefined ? ['missing', 'present'] : ['present', 'missing'];
        differences.push({ table, key, column: '(row)', live: l, expected: e });
        continue;
      }
      const columns = [...new Set([...Object.keys(a), ...Object.keys(b)])];
      for (const column of columns) {
        const [l, e] = [show(a[column]), show(b[column])];
        if (l !== e) differences.push({ table, key, column, live: l, expected: e });
      }
    }
  }
  return differences;
}
