import type { Projection } from './engine/projection.js';
import {
  type NotificationPublisher,
  notificationsProjection,
} from './read-models/notifications/notifications-projection.js';
import { placesProjection } from './read-models/places/places-projection.js';
import { roomsProjection } from './read-models/rooms/rooms-projection.js';
import { bookingsProjection } from './read-models/screenings/bookings-projection.js';
import { screeningsProjection } from './read-models/screenings/screenings-projection.js';
import { seatClaimsProjection } from './read-models/screenings/seat-claims-projection.js';
import { socialProjection } from './read-models/social/social-projection.js';

/** Name of the projector (checkpoint and lock) that keeps the API's read models. */
export const READ_MODELS_PROJECTOR = 'read-models';

/**
 * One swappable read model: the projections that write it (rebuilt together) and its tables,
 * each with the primary key a replay compares rows by. A new read model is one entry here.
 */
export interface ReadModel {
  /** What `cowatch replay --projection` accepts for it. */
  readonly names: readonly string[];
  readonly projections: readonly Projection[];
  /** Projections whose rows these read while projecting: replayed first, never swapped. */
  readonly reads?: readonly Projection[];
  readonly tables: Readonly<Record<string, readonly string[]>>;
}

/**
 * The swappable read models, in the order the projector runs them: screenings reads places and
 * the booking's status before bookings changes it; bookings reads screenings.
 */
export const READ_MODELS: readonly ReadModel[] = [
  { names: ['places'], projections: [placesProjection], tables: { places: ['id'] } },
  {
    // Screenings reads a booking's status when it ends and bookings reads the screening's host,
    // so neither can be replayed without the other; screenings also reads place names.
    names: ['screenings', 'bookings'],
    projections: [screeningsProjection, bookingsProjection],
    reads: [placesProjection],
    tables: { screenings: ['id'], bookings: ['id'] },
  },
  {
    names: ['seat-claims', 'seat_claims'],
    projections: [seatClaimsProjection],
    tables: { seat_claims: ['screening_id', 'seat_row', 'seat_number'] },
  },
  {
    // Rooms, their members, invitations and chat: one projection writes the four tables.
    names: ['rooms'],
    projections: [roomsProjection],
    tables: {
      rooms: ['id'],
      room_members: ['room_id', 'user_id'],
      room_invites: ['room_id', 'user_id'],
      room_messages: ['id'],
    },
  },
  {
    // Follows, wishes and likes read nothing but their own rows (and count into films).
    names: ['social'],
    projections: [socialProjection],
    tables: {
      follows: ['follower_id', 'followee_id'],
      follow_counts: ['user_id'],
      friends: ['user_id', 'friend_id'],
      wishes: ['user_id', 'film_id'],
      likes: ['user_id', 'film_id'],
      friend_wants: ['user_id', 'film_id'],
    },
  },
];

/** The API's read models in the projector's order, the notifications inbox last. */
export function readModelProjectionsFor(deps: ReadModelDeps = {}): readonly Projection[] {
  return [
    ...READ_MODELS.flatMap((model) => model.projections),
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

/** One of the read-model tables. */
export type ReadModelTable = string;

/**
 * The read-model tables a rebuild clears and refills from the log. Not `notifications`: its
 * cursors are what clients resume from, so a replay only adds the rows missing (ON CONFLICT).
 */
export const READ_MODEL_TABLES: readonly ReadModelTable[] = READ_MODELS.flatMap((model) =>
  Object.keys(model.tables),
);

/** The primary key of each read-model table (and of `films`, for its counters). */
export function keyOf(table: string): readonly string[] {
  if (table === FILM_COUNTERS.table) return ['id'];
  const model = READ_MODELS.find((candidate) => table in candidate.tables);
  if (!model) throw new Error(`${table} is no read-model table`);
  return model.tables[table] ?? [];
}

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
