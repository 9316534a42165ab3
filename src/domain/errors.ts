/** Stable codes of expected refusals; the API maps each to an HTTP status once. */
export type DomainErrorCode =
  | 'place_not_found'
  | 'not_place_host'
  | 'place_has_scheduled_screenings'
  | 'place_already_exists'
  | 'invalid_place'
  | 'screening_not_found'
  | 'screening_already_exists'
  | 'not_screening_host'
  | 'starts_in_past'
  | 'invalid_screening'
  | 'screening_not_open'
  | 'screening_already_started'
  | 'screening_cancelled'
  | 'seats_unavailable'
  | 'sold_out'
  | 'invalid_seat'
  | 'too_many_seats'
  | 'booking_not_found'
  | 'booking_not_cancellable'
  | 'hold_not_expired'
  | 'ticket_not_found'
  | 'booking_not_confirmed'
  | 'already_checked_in'
  | 'cannot_follow_self'
  | 'room_not_found'
  | 'room_already_exists'
  | 'not_room_host'
  | 'not_room_member'
  | 'room_closed'
  | 'invalid_control'
  | 'media_unavailable'
  | 'invalid_chat_message'
  | 'rate_limited';

/** An expected refusal of a command: carries a stable code, never a stack-trace worthy bug. */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** Extra machine-readable facts, e.g. the seats that are taken. */
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }
}

/** Throws a DomainError; reads better than `throw new` inside expressions. */
export function refuse(
  code: DomainErrorCode,
  message: string,
  details?: Readonly<Record<string, unknown>>,
): never {
  throw new DomainError(code, message, details);
}

/** Compile-time exhaustiveness check for switches over unions. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value ${JSON.stringify(value)}`);
}
