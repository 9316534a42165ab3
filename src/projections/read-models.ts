import { bookingsProjection } from './bookings-projection.js';
import { type NotificationPublisher, notificationsProjection } from './notifications-projection.js';
import { placesProjection } from './places-projection.js';
import type { Projection } from './projection.js';
import { roomsProjection } from './read-models/rooms/rooms-projection.js';
import { socialProjection } from './read-models/social/social-projection.js';
import { screeningsProjection } from './screenings-projection.js';
import { seatClaimsProjection } from './seat-claims-projection.js';

/** Name of the projector (checkpoint and lock) that keeps the API's read models. */
export const READ_MODELS_PROJECTOR = 'read-models';

/**
 * The API's read models, in the order they must see each event: screenings reads places and
 * the booking's status before bookings changes it; bookings reads screenings.
 */
export function readModelProjectionsFor(deps: ReadModelDeps = {}): readonly Projection[] {
  return [
    placesProjection,
    screeningsProjection,
    bookingsProjection,
    seatClaimsProjection,
    socialProjection,
    roomsProjection,
    // Last: it reads the screening and booking rows the others wrote for the same event.
    notificationsProjection(deps.publisher),
  ];
}

/** What the live projector adds to the read models; rebuilds and replays go without. */
export interface ReadModelDeps {
  /** Pushes new notifications once their batch commits. */
  readonly publisher?: NotificationPublisher | undefined;
}

/** The read models without side effects: what rebuilds, replays and the CLI run. */
export const readModelProjections: readonly Projection[] = readModelProjectionsFor();

/**
 * The read-model tables a rebuild clears and refills from the log. Not `notifications`: its
 * cursors are what clients resume from, so a replay only adds the rows missing (ON CONFLICT).
 */
export const READ_MODEL_TABLES = [
  'places',
  'screenings',
  'bookings',
  'seat_claims',
  'rooms',
  'room_members',
  'room_invites',
  'room_messages',
  'follows',
  'follow_counts',
  'friends',
  'wishes',
  'likes',
  'friend_wants',
] as const;

/**
 * Columns a projection keeps in a table that is no read model of its own: `films` is written by
 * the catalogue and imports, its popularity counters by the social projection (counts of
 * `wishes` and `likes`). A replay of those tables zeroes the counters, recounts them from the
 * log, compares them and swaps them in with the tables.
 */
export const FILM_COUNTERS = {
  table: 'films',
  columns: ['want_count', 'like_count'],
  /** The read models the counters count: replaying any of them replays the counters. */
  fedBy: ['wishes', 'likes'],
} as const;
