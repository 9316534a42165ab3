import { bookingsProjection } from './bookings-projection.js';
import { placesProjection } from './places-projection.js';
import type { Projection } from './projection.js';
import { screeningsProjection } from './screenings-projection.js';
import { seatClaimsProjection } from './seat-claims-projection.js';

/** Name of the projector (checkpoint and lock) that keeps the API's read models. */
export const READ_MODELS_PROJECTOR = 'read-models';

/**
 * The API's read models, in the order they must see each event: screenings reads places and
 * the booking's status before bookings changes it; bookings reads screenings.
 */
export const readModelProjections: readonly Projection[] = [
  placesProjection,
  screeningsProjection,
  bookingsProjection,
  seatClaimsProjection,
];

/** The read-model tables a rebuild clears and refills from the log. */
export const READ_MODEL_TABLES = ['places', 'screenings', 'bookings', 'seat_claims'] as const;
