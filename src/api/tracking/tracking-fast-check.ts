import { z } from 'zod';
import { isIsoWithinTimeBounds } from '../../domain/bounds.js';
import { textProblem } from '../schemas/text.js';
import { jsonProblem, type TrackedEvent } from './tracking-schemas.js';

/**
 * The hot path of ingest: a hand-written check of the common event shapes, about ten times
 * cheaper than the zod schema (which cost ~9 µs an event under the bench load). It only ever
 * says "valid, as is": an event it accepts is one the zod schema accepts *unchanged* (no
 * unknown key to strip, no string to trim). Anything else — invalid, or valid but needing
 * zod's output — returns undefined and goes through `trackedEventSchema`, which alone writes
 * the error messages. tests/unit/tracking-fast-check.test.ts holds the two to agreement.
 */

type Check = (value: unknown) => boolean;

// The very patterns the zod schemas use (`z.uuid()`, `z.iso.datetime({ offset: true })`).
const UUID = z.regexes.uuid();
const DATETIME = z.regexes.datetime({ offset: true });

const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined || check(v);

/** `plainString().max(max)`: no NUL, no lone surrogate. */
const plain =
  (max: number): Check =>
  (v) =>
    typeof v === 'string' && v.length <= max && textProblem(v) === undefined;

/** `text(max)` that zod would return unchanged: already trimmed. */
const text =
  (max: number, min = 0): Check =>
  (v) =>
    typeof v === 'string' &&
    v.length <= max &&
    v.length >= min &&
    v === v.trim() &&
    textProblem(v) === undefined;

const uuid: Check = (v) => typeof v === 'string' && UUID.test(v);
const number =
  (min: number, max: number, integer = false): Check =>
  (v) =>
    typeof v === 'number' &&
    Number.isFinite(v) &&
    v >= min &&
    v <= max &&
    (!integer || Number.isInteger(v));
const count = number(0, 1_000_000_000, true);
const seconds = number(0, 1_000_000);
const boolean: Check = (v) => typeof v === 'boolean';
const oneOf =
  (...values: string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v);

/** An instant within the domain's bounds; the year alone settles it away from the edges. */
export const instant: Check = (v) => {
  if (typeof v !== 'string' || !DATETIME.test(v)) return false;
  const year = Number(v.slice(0, 4));
  // An offset moves an instant by less than a day: only the edge years need the full check.
  return (year > 2000 && year < 2099) || isIsoWithinTimeBounds(v);
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A plain object with only these keys (zod strips others: those take the slow path). */
const object = (shape: Record<string, Check>): Check => {
  const keys = Object.keys(shape);
  return (v) => {
    if (!isRecord(v)) return false;
    for (const key in v) if (!Object.hasOwn(shape, key)) return false;
    for (const key of keys) if (!(shape[key] as Check)(v[key])) return false;
    return true;
  };
};

const customProperties: Check = (v) => isRecord(v) && jsonProblem(v, 0) === undefined;

const propertiesOf: Record<TrackedEvent['type'], Check> = {
  click: object({
    element: oneOf('film', 'trailer', 'category', 'button', 'link'),
    targetId: optional(text(200)),
    label: optional(text(500)),
  }),
  page_view: object({
    path: text(2000),
    title: optional(text(500)),
    durationMs: optional(count),
  }),
  like: object({ filmId: uuid, liked: boolean }),
  quality_change: object({ filmId: uuid, from: text(20), to: text(20), position: seconds }),
  watched_to_end: object({ filmId: uuid, watchedSeconds: seconds }),
  search_filter: object({
    query: optional(text(500)),
    filters: object({
      genre: optional(text(100)),
      year: optional(number(1800, 2200, true)),
      minRating: optional(number(0, 10)),
      person: optional(text(200)),
    }),
    results: count,
  }),
  custom: object({ name: text(100, 1), properties: customProperties }),
};

const common = object({
  messageId: uuid,
  timestamp: instant,
  anonymousId: optional(plain(200)),
  sessionId: optional(plain(200)),
  page: optional(object({ path: text(2000), referrer: optional(text(2000)) })),
  type: () => true,
  properties: () => true,
});

/** The event itself when it is certainly valid as is; undefined: ask the zod schema. */
export function fastEvent(item: unknown): TrackedEvent | undefined {
  if (!isRecord(item)) return undefined;
  const type = item.type;
  if (typeof type !== 'string' || !Object.hasOwn(propertiesOf, type)) return undefined;
  const properties = propertiesOf[type as TrackedEvent['type']];
  return common(item) && properties(item.properties) ? (item as TrackedEvent) : undefined;
}
