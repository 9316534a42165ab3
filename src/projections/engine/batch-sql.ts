import { type RawBuilder, sql } from 'kysely';

// Rows per multi-row statement: the widest table has 17 columns, far below PostgreSQL's
// 65,535 parameters per statement.
const ROWS_PER_STATEMENT = 1_000;

/** `any($1::uuid[])`: one parameter for any number of ids, for `where(column, '=', …)`. */
export function anyUuid(ids: Iterable<string>): RawBuilder<string> {
  return sql<string>`any(${[...ids]}::uuid[])`;
}

/** Splits rows into statement-sized chunks. */
export function* chunks<T>(rows: readonly T[], size = ROWS_PER_STATEMENT): Generator<T[]> {
  for (let start = 0; start < rows.length; start += size) yield rows.slice(start, start + size);
}

/** A uuid as PostgreSQL returns it, so ids from events and from rows meet in one map. */
export const uuidKey = (id: string): string => id.toLowerCase();
