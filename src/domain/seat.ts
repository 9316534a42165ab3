import { isWholeBetween, MAX_CAPACITY, MAX_ROWS, MAX_SEATS_PER_ROW } from './bounds.js';

/** A seat of an assigned-seating screening; rows and numbers start at 1. */
export interface Seat {
  readonly row: number;
  readonly number: number;
}

/** Seating of a screening: general admission (a capacity) or assigned rows × seats. */
export type Seating =
  | { readonly kind: 'general'; readonly capacity: number }
  | { readonly kind: 'assigned'; readonly rows: number; readonly seatsPerRow: number };

/** Key of a seat in maps and sets. */
export function seatKey(seat: Seat): string {
  return `${seat.row}:${seat.number}`;
}

/** Total number of places a seating offers. */
export function capacityOf(seating: Seating): number {
  return seating.kind === 'general' ? seating.capacity : seating.rows * seating.seatsPerRow;
}

/** Whether a seating plan is whole, has at least one place and stays within the bounds. */
export function isValidSeating(seating: Seating): boolean {
  if (seating.kind === 'general') return isWholeBetween(seating.capacity, 1, MAX_CAPACITY);
  return (
    isWholeBetween(seating.rows, 1, MAX_ROWS) &&
    isWholeBetween(seating.seatsPerRow, 1, MAX_SEATS_PER_ROW)
  );
}

/** Whether the seat exists in an assigned seating plan. */
export function isSeatInPlan(seat: Seat, seating: Seating): boolean {
  return (
    seating.kind === 'assigned' &&
    Number.isInteger(seat.row) &&
    Number.isInteger(seat.number) &&
    seat.row >= 1 &&
    seat.row <= seating.rows &&
    seat.number >= 1 &&
    seat.number <= seating.seatsPerRow
  );
}

/** Human-readable label, e.g. "C7" for row 3 seat 7 (rows past Z fall back to numbers). */
export function seatLabel(seat: Seat): string {
  const row = seat.row <= 26 ? String.fromCharCode(64 + seat.row) : `R${seat.row}-`;
  return `${row}${seat.number}`;
}
