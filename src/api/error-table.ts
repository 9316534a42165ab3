import type { DomainErrorCode } from '../domain/errors.js';

/** Codes the API itself raises, beyond the domain's refusals. */
export type ApiErrorCode =
  | 'validation_failed'
  | 'invalid_body'
  | 'malformed_request'
  | 'request_timeout'
  | 'uri_too_long'
  | 'headers_too_large'
  | 'upgrade_required'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'route_not_found'
  | 'method_not_allowed'
  | 'unauthorized'
  | 'invalid_credentials'
  | 'email_taken'
  | 'film_not_found'
  | 'media_not_found'
  | 'range_not_satisfiable'
  | 'user_not_found'
  | 'invalid_signature'
  | 'payment_not_found'
  | 'payment_not_open'
  | 'invalid_cursor'
  | 'invalid_position'
  | 'version_mismatch'
  | 'concurrency_conflict'
  | 'projection_lagging'
  | 'idempotency_key_reused'
  | 'idempotency_key_in_flight'
  | 'rate_limited'
  | 'chat_unavailable'
  | 'internal_error';

export type ErrorCode = DomainErrorCode | ApiErrorCode;

interface ErrorEntry {
  readonly status: number;
  readonly title: string;
}

/** The one table from stable error code to HTTP status and title. */
export const errorTable: Readonly<Record<ErrorCode, ErrorEntry>> = {
  validation_failed: { status: 400, title: 'The request is not valid' },
  invalid_body: { status: 400, title: 'The request body could not be read' },
  malformed_request: { status: 400, title: 'The request could not be read' },
  invalid_cursor: { status: 400, title: 'The cursor is not valid' },
  invalid_position: { status: 400, title: 'The position is not valid' },
  invalid_signature: { status: 400, title: 'The webhook signature is not valid' },
  invalid_screening: { status: 400, title: 'The screening is not valid' },
  invalid_control: { status: 400, title: 'The playback control is not valid' },
  invalid_chat_message: { status: 400, title: 'The chat message is not valid' },
  invalid_place: { status: 400, title: 'The place is not valid' },
  unauthorized: { status: 401, title: 'Authentication required' },
  invalid_credentials: { status: 401, title: 'Wrong email or password' },
  not_place_host: { status: 403, title: 'Only the host of the place may do this' },
  not_room_host: { status: 403, title: 'Only the host of the room may do this' },
  not_room_member: { status: 403, title: 'Only members of the room may do this' },
  not_screening_host: { status: 403, title: 'Only the host of the screening may do this' },
  room_not_found: { status: 404, title: 'Room not found' },
  route_not_found: { status: 404, title: 'No such route' },
  place_not_found: { status: 404, title: 'Place not found' },
  film_not_found: { status: 404, title: 'Film not found' },
  media_not_found: { status: 404, title: 'The film has no video in this quality' },
  user_not_found: { status: 404, title: 'User not found' },
  screening_not_found: { status: 404, title: 'Screening not found' },
  booking_not_found: { status: 404, title: 'Booking not found' },
  payment_not_found: { status: 404, title: 'Payment not found' },
  ticket_not_found: { status: 404, title: 'No such ticket for this screening' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  room_closed: { status: 409, title: 'The room is closed' },
  room_already_exists: { status: 409, title: 'The room already exists' },
  email_taken: { status: 409, title: 'The email is already registered' },
  place_already_exists: { status: 409, title: 'The place already exists' },
  place_has_scheduled_screenings: { status: 409, title: 'The place has scheduled screenings' },
  screening_already_exists: { status: 409, title: 'The screening already exists' },
  screening_already_started: { status: 409, title: 'The screening has already started' },
  screening_cancelled: { status: 409, title: 'The screening is cancelled' },
  screening_not_open: { status: 409, title: 'The screening is not open for booking' },
  seats_unavailable: { status: 409, title: 'Seats unavailable' },
  sold_out: { status: 409, title: 'Sold out' },
  booking_not_cancellable: { status: 409, title: 'The booking cannot be cancelled' },
  hold_not_expired: { status: 409, title: 'The hold has not expired yet' },
  payment_not_open: { status: 409, title: 'The payment has already been decided' },
  booking_not_confirmed: { status: 409, title: 'The booking is not confirmed' },
  already_checked_in: { status: 409, title: 'The ticket has already been checked in' },
  idempotency_key_in_flight: {
    status: 409,
    title: 'A request with this idempotency key is still running',
  },
  request_timeout: { status: 408, title: 'The request took too long to arrive' },
  version_mismatch: { status: 412, title: 'The resource has changed' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  uri_too_long: { status: 414, title: 'The request URI is too long' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  range_not_satisfiable: { status: 416, title: 'The range is beyond the end of the file' },
  starts_in_past: { status: 422, title: 'The screening would start in the past' },
  media_unavailable: { status: 422, title: 'The film has no playable media' },
  cannot_follow_self: { status: 422, title: 'A user cannot follow themselves' },
  invalid_seat: { status: 422, title: 'Invalid seat' },
  too_many_seats: { status: 422, title: 'Too many seats' },
  idempotency_key_reused: {
    status: 422,
    title: 'The idempotency key was used for another request',
  },
  upgrade_required: { status: 426, title: 'This endpoint is a WebSocket' },
  rate_limited: { status: 429, title: 'Too many requests' },
  headers_too_large: { status: 431, title: 'The request headers are too large' },
  internal_error: { status: 500, title: 'Internal server error' },
  concurrency_conflict: { status: 503, title: 'Too much contention, try again' },
  chat_unavailable: { status: 503, title: 'The chat is unavailable for now' },
  projection_lagging: { status: 503, title: 'The read models are behind' },
};

/** Whether a string is one of the table's codes. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(errorTable, code);
}
