import type { ErrorCode } from '../error-table.js';

/** Request headers an operation reads, beyond Authorization and X-Request-Id. */
export type RequestHeader = 'If-Match' | 'Prefer' | 'Stripe-Signature';
/** Response headers an operation's success carries, beyond X-Request-Id. */
export type ResponseHeader = 'X-Position' | 'ETag' | 'Location';

/** What the OpenAPI document cannot learn from a route's schemas. */
export interface OperationContract {
  /** The codes this operation answers beyond those every route of its kind may answer. */
  readonly errors?: readonly ErrorCode[];
  readonly requestHeaders?: readonly RequestHeader[];
  readonly responseHeaders?: readonly ResponseHeader[];
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * A route's own error codes for the OpenAPI document (as `errors` of
     * {@link OperationContract}); an alternative to listing the route in `operationContracts`.
     */
    openapi?: OperationContract;
  }
}

const command: ResponseHeader[] = ['X-Position'];

/**
 * Per operation (`METHOD /path` as registered), its specific error codes and headers. The codes
 * every route of a kind may answer (validation, a bad token, rate limits, idempotency keys,
 * X-Min-Position …) are added from the route's options (see `openapi-document.ts`).
 */
export const operationContracts: Readonly<Record<string, OperationContract>> = {
  'POST /api/auth/register': { errors: ['email_taken'] },
  'POST /api/auth/login': { errors: ['invalid_credentials'] },
  'GET /api/films': { errors: ['invalid_cursor'] },
  'GET /api/notifications': {},
  'GET /api/ws': { errors: ['upgrade_required'] },
  'GET /api/films/:filmId': { errors: ['film_not_found'] },
  'GET /media/:filmId/:quality': {
    errors: ['film_not_found', 'media_not_found', 'range_not_satisfiable', 'version_mismatch'],
  },
  'POST /api/places': {
    errors: ['invalid_place', 'place_already_exists'],
    responseHeaders: command,
  },
  'GET /api/users/:userId': { errors: ['user_not_found'] },
  'PUT /api/users/:userId/follow': {
    errors: ['user_not_found', 'cannot_follow_self'],
    responseHeaders: command,
  },
  'DELETE /api/users/:userId/follow': { errors: ['user_not_found'], responseHeaders: command },
  'GET /api/places/my': { errors: ['invalid_cursor'] },
  'POST /api/rooms': {
    errors: ['film_not_found', 'user_not_found', 'media_unavailable', 'room_already_exists'],
    responseHeaders: command,
  },
  'GET /api/rooms': { errors: ['invalid_cursor'] },
  'GET /api/rooms/:roomId': { errors: ['room_not_found'] },
  'POST /api/rooms/:roomId/invite': {
    errors: ['room_not_found', 'user_not_found', 'not_room_host', 'room_closed'],
    responseHeaders: command,
  },
  'POST /api/rooms/:roomId/join': {
    errors: ['room_not_found', 'room_closed'],
    responseHeaders: command,
  },
  'POST /api/rooms/:roomId/leave': {
    errors: ['room_not_found', 'room_closed'],
    responseHeaders: command,
  },
  'POST /api/rooms/:roomId/lock': {
    errors: ['room_not_found', 'not_room_host', 'room_closed'],
    responseHeaders: command,
  },
  'POST /api/rooms/:roomId/unlock': {
    errors: ['room_not_found', 'not_room_host', 'room_closed'],
    responseHeaders: command,
  },
  'POST /api/rooms/:roomId/close': {
    errors: ['room_not_found', 'not_room_host'],
    responseHeaders: command,
  },
  'GET /api/rooms/:roomId/messages': { errors: ['room_not_found'] },
  'GET /api/places/:placeId': { errors: ['place_not_found'] },
  'DELETE /api/places/:placeId': {
    errors: [
      'not_place_host',
      'place_not_found',
      'place_has_scheduled_screenings',
      'concurrency_conflict',
    ],
    responseHeaders: command,
  },
  'POST /api/screenings': {
    errors: [
      'invalid_screening',
      'not_place_host',
      'place_not_found',
      'film_not_found',
      'screening_already_exists',
      'starts_in_past',
      'concurrency_conflict',
    ],
    responseHeaders: ['X-Position', 'ETag', 'Location'],
  },
  // `mine=true` needs a token.
  'GET /api/screenings': { errors: ['invalid_cursor', 'unauthorized'] },
  'GET /api/screenings/:id': { errors: ['screening_not_found'], responseHeaders: ['ETag'] },
  'GET /api/screenings/:id/seats': { errors: ['screening_not_found'] },
  'GET /api/screenings/:id/bookings': {
    errors: ['invalid_cursor', 'not_screening_host', 'screening_not_found'],
  },
  'POST /api/screenings/:id/cancel': {
    errors: [
      'not_screening_host',
      'screening_not_found',
      'screening_cancelled',
      'screening_already_started',
      'version_mismatch',
      'concurrency_conflict',
    ],
    requestHeaders: ['If-Match'],
    responseHeaders: ['X-Position', 'ETag'],
  },
  'POST /api/bookings': {
    errors: [
      'screening_not_found',
      'seats_unavailable',
      'sold_out',
      'screening_not_open',
      'invalid_seat',
      'too_many_seats',
      'version_mismatch',
      'concurrency_conflict',
    ],
    requestHeaders: ['Prefer', 'If-Match'],
    responseHeaders: command,
  },
  'GET /api/bookings/my': { errors: ['invalid_cursor'] },
  'GET /api/bookings/:id/ticket': { errors: ['booking_not_found', 'booking_not_confirmed'] },
  'POST /api/screenings/:id/check-in': {
    errors: [
      'screening_not_found',
      'not_screening_host',
      'ticket_not_found',
      'booking_not_confirmed',
      'already_checked_in',
      'concurrency_conflict',
    ],
    responseHeaders: command,
  },
  'GET /api/screenings/:id/check-ins': { errors: ['screening_not_found', 'not_screening_host'] },
  'GET /api/bookings/:id': { errors: ['booking_not_found'] },
  'POST /api/bookings/:id/cancel': {
    errors: [
      'booking_not_found',
      'booking_not_cancellable',
      'version_mismatch',
      'concurrency_conflict',
    ],
    requestHeaders: ['If-Match'],
    responseHeaders: command,
  },
  'POST /api/billing/checkout/:paymentId': {
    errors: ['payment_not_found', 'payment_not_open'],
    responseHeaders: command,
  },
  'POST /api/webhooks/billing': {
    errors: ['invalid_signature'],
    requestHeaders: ['Stripe-Signature'],
    responseHeaders: command,
  },
  'POST /api/webhooks/stripe': {
    errors: ['invalid_signature'],
    requestHeaders: ['Stripe-Signature'],
    responseHeaders: command,
  },
};

/**
 * Codes no operation answers, each with the reason; the document still lists them in the
 * problem schema. Every other code of the error table must belong to some operation.
 */
export const codesOfNoOperation: Readonly<Partial<Record<ErrorCode, string>>> = {
  route_not_found: 'answered for a method and path that no operation has',
  method_not_allowed: 'reserved: an unknown method on a known path is route_not_found',
  hold_not_expired: 'internal: the hold-expiry worker came early; never sent to a client',
  malformed_request: 'answered before routing, to any request HTTP cannot parse',
  request_timeout: 'answered before routing, to any request that arrives too slowly',
  uri_too_long: 'answered before routing, to any request with an over-long URI',
  headers_too_large: 'answered before routing, to any request with over-large headers',
  not_room_member: 'sent on the room socket only, as an `error` message',
  invalid_control: 'sent on the room socket only, as an `error` message',
  invalid_chat_message: 'sent on the room socket only, as an `error` message',
  chat_unavailable: 'sent on the room socket only, as an `error` message',
};
