import { z } from 'zod';
import { ApiError } from './api-error.js';
import { plainString } from './schemas/text.js';

/** `limit` and `cursor` of every list query. */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(512).optional(),
};

/** The envelope of every list response. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** Encodes a keyset position (e.g. `{ startsAt, id }`) as an opaque cursor. */
export function encodeCursor(key: Record<string, string>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

// The keyset columns a cursor may name, as this server writes them. A cursor is client input:
// a forged one (a year -5000, a NUL, not a uuid) must be a 400, never a failed cast in SQL.
const EARLIEST = Date.UTC(1900, 0, 1);
const LATEST = Date.UTC(9999, 11, 31);

/** Cursor field: an ISO-8601 instant (years 1900–9999), decoded to a Date. */
export const cursorTime = z.iso
  .datetime({ offset: true })
  .transform((value) => new Date(value))
  .refine((date) => date.getTime() >= EARLIEST && date.getTime() <= LATEST, 'out of range');

/** Cursor field: a uuid. */
export const cursorId = z.uuid();

/** Cursor field: a text key (e.g. a title), obeying the text rule. */
export const cursorText = plainString().max(1000);

const refused = () => new ApiError('invalid_cursor', 'the cursor is not one this server issued');

/**
 * Decodes a cursor made by {@link encodeCursor}: with a zod object of its keys (`cursorTime`,
 * `cursorId`, `cursorText`) to the typed keys, or with a list of key names to plain strings
 * (each obeying the text rule). Anything else is a 400 invalid_cursor.
 */
export function decodeCursor<S extends z.ZodType>(cursor: string, schema: S): z.output<S>;
export function decodeCursor<K extends string>(
  cursor: string,
  keys: readonly K[],
): Record<K, string>;
export function decodeCursor(cursor: string, shape: z.ZodType | readonly string[]): unknown {
  const schema = Array.isArray(shape)
    ? z.object(Object.fromEntries(shape.map((key) => [key, cursorText])))
    : (shape as z.ZodType);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refused();
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw refused();
  return parsed.data;
}

/** Splits `limit + 1` fetched rows into a page and the cursor of the next one. */
export function toPage<R, T>(
  rows: readonly R[],
  limit: number,
  toItem: (row: R) => T,
  keyOf: (row: R) => Record<string, string>,
): { items: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toItem),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null,
  };
}
