/**
 * The one set of bounds on what the domain accepts. The read side (PostgreSQL timestamptz and
 * 32-bit integer columns, JS dates printed as ISO strings) must be able to represent every
 * event the deciders let through: an event it cannot apply would stop its projection for good.
 * The API's schemas and the deciders both check these, so the API answers 400 and anything
 * else that issues commands (CLI, reactors, other nodes) is held to the same line.
 */

/** Earliest instant a screening may start or end (inclusive). */
export const EARLIEST_TIME = new Date('2000-01-01T00:00:00.000Z');
/** Latest instant a screening may start or end (exclusive). */
export const LATEST_TIME = new Date('2100-01-01T00:00:00.000Z');

/** Longest screening, in minutes. */
export const MAX_DURATION_MINUTES = 600;
/** Highest ticket price (minor units): ten of them still fit every 32-bit amount column. */
export const MAX_PRICE = 100_000_000;
/** Largest general-admission capacity. */
export const MAX_CAPACITY = 100_000;
/** Largest assigned-seating plan: rows, and seats in a row. */
export const MAX_ROWS = 100;
export const MAX_SEATS_PER_ROW = 200;

/** Longest free texts, in characters. */
export const MAX_TEXT = {
  placeName: 200,
  placeAddress: 500,
  placeDescription: 2000,
  cancelReason: 500,
} as const;

/** Whether an instant lies within [EARLIEST_TIME, LATEST_TIME). */
export function isWithinTimeBounds(time: Date): boolean {
  const ms = time.getTime();
  return ms >= EARLIEST_TIME.getTime() && ms < LATEST_TIME.getTime();
}

/** Whether an ISO date-time string names an instant within the time bounds. */
export function isIsoWithinTimeBounds(iso: string): boolean {
  const time = new Date(iso);
  return !Number.isNaN(time.getTime()) && isWithinTimeBounds(time);
}

/** Whether a whole number lies in [min, max]. */
export function isWholeBetween(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

/** Whether an optional text is at most `max` characters long. */
export function fitsLength(value: string | null | undefined, max: number): boolean {
  return value == null || value.length <= max;
}

/** The time bounds as the API states them in errors. */
export const TIME_BOUNDS_TEXT = `from ${EARLIEST_TIME.toISOString()} to before ${LATEST_TIME.toISOString()}`;
