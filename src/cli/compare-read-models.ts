import { sql } from 'kysely';
import type { Db, Tx } from '../projections/db/database.js';
import { type ReadModelTable, replaysFilmCounters } from '../projections/read-model-groups.js';
import { FILM_COUNTERS } from '../projections/read-models.js';

/** What is compared: a read-model table, or the films' counters ({@link FILM_COUNTERS}). */
type Compared = ReadModelTable | typeof FILM_COUNTERS.table;

/** One cell where the live read models differ from a replay of the log. */
export interface RowDifference {
  readonly table: Compared;
  /** The row's primary key, e.g. `id=…`. */
  readonly key: string;
  /** The differing column, or `(row)` when the whole row is missing on one side. */
  readonly column: string;
  readonly live: string;
  readonly expected: string;
}

type Row = Record<string, unknown>;

const KEYS: Record<Compared, readonly string[]> = {
  places: ['id'],
  screenings: ['id'],
  bookings: ['id'],
  seat_claims: ['screening_id', 'seat_row', 'seat_number'],
  rooms: ['id'],
  room_members: ['room_id', 'user_id'],
  room_invites: ['room_id', 'user_id'],
  room_messages: ['id'],
  follows: ['follower_id', 'followee_id'],
  follow_counts: ['user_id'],
  friends: ['user_id', 'friend_id'],
  wishes: ['user_id', 'film_id'],
  likes: ['user_id', 'film_id'],
  friend_wants: ['user_id', 'film_id'],
  films: ['id'],
};

/** The columns compared: every one, but only the counters of films (the rest is no replay's). */
const COLUMNS: Partial<Record<Compared, readonly string[]>> = {
  films: ['id', ...FILM_COUNTERS.columns],
};

/** A value as text, so that dates, jsonb and numbers compare the same on both sides. */
function show(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

async function rowsByKey(db: Db | Tx, schema: string, table: Compared) {
  const columns = COLUMNS[table];
  const selected = columns ? sql.join(columns.map((column) => sql.id(column))) : sql`*`;
  const { rows } = await sql<Row>`SELECT ${selected}
    FROM ${sql.table(`${schema}.${table}`)}`.execute(db);
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
  const compared: Compared[] = [...tables];
  if (replaysFilmCounters(tables)) compared.push(FILM_COUNTERS.table);
  for (const table of compared) {
    const live = await rowsByKey(db, liveSchema, table);
    const expected = await rowsByKey(db, expectedSchema, table);
    const keys = [...new Set([...live.keys(), ...expected.keys()])].sort();
    for (const key of keys) {
      const a = live.get(key);
      const b = expected.get(key);
      // A film added while the replay ran is no difference: only its counters are the replay's.
      if ((a === undefined || b === undefined) && table === FILM_COUNTERS.table) continue;
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
