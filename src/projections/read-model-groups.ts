import { bookingsProjection } from './bookings-projection.js';
import { placesProjection } from './places-projection.js';
import type { Projection } from './projection.js';
import { roomsProjection } from './read-models/rooms/rooms-projection.js';
import { socialProjection } from './read-models/social/social-projection.js';
import {
  FILM_COUNTERS,
  READ_MODEL_TABLES,
  READ_MODELS_PROJECTOR,
  readModelProjections,
} from './read-models.js';
import { screeningsProjection } from './screenings-projection.js';
import { seatClaimsProjection } from './seat-claims-projection.js';

/** One of the read-model tables. */
export type ReadModelTable = (typeof READ_MODEL_TABLES)[number];

/** What a partial rebuild replays and what it swaps in. */
export interface ReadModelGroup {
  /** Replayed into the scratch schema, in the projector's order. */
  readonly projections: readonly Projection[];
  /** Swapped into the live schema; the other replayed tables only fed the replay. */
  readonly tables: readonly ReadModelTable[];
}

/** The tables each swappable projection writes (notifications is none of them). */
const TABLES_OF: Readonly<Record<string, readonly ReadModelTable[]>> = {
  places: ['places'],
  screenings: ['screenings'],
  bookings: ['bookings'],
  seat_claims: ['seat_claims'],
  social: ['follows', 'follow_counts', 'friends', 'wishes', 'likes', 'friend_wants'],
  rooms: ['rooms', 'room_members', 'room_invites', 'room_messages'],
};

/**
 * The projections whose every table is among `tables`: once those tables are swapped in whole,
 * a failure such a projection was stuck on is cleared and it resumes.
 */
export function projectionsOwning(tables: readonly ReadModelTable[]): string[] {
  return Object.entries(TABLES_OF)
    .filter(([, owned]) => owned.every((table) => tables.includes(table)))
    .map(([name]) => name);
}

/** Whether replaying `tables` recounts the films' counters ({@link FILM_COUNTERS}). */
export function replaysFilmCounters(tables: readonly ReadModelTable[]): boolean {
  return FILM_COUNTERS.fedBy.some((table) => tables.includes(table));
}

/**
 * Every swappable read model. Projections of other tables (notifications, whose cursors clients
 * resume from) are left out: their live rows stay as they are.
 */
export const ALL_READ_MODELS: ReadModelGroup = {
  projections: readModelProjections.filter((projection) => projection.name in TABLES_OF),
  tables: READ_MODEL_TABLES,
};
// Screenings reads a booking's status when it ends and bookings reads the screening's host,
// so neither can be replayed without the other; screenings also reads place names.
const screeningsAndBookings: ReadModelGroup = {
  projections: [placesProjection, screeningsProjection, bookingsProjection],
  tables: ['screenings', 'bookings'],
};
// Follows, wishes and likes read nothing but their own rows (and count into films).
const social: ReadModelGroup = { projections: [socialProjection], tables: TABLES_OF.social ?? [] };

// Rooms, their members, invitations and chat: one projection writes the four tables.
const rooms: ReadModelGroup = { projections: [roomsProjection], tables: TABLES_OF.rooms ?? [] };

const groups: ReadonlyMap<string, ReadModelGroup> = new Map([
  [READ_MODELS_PROJECTOR, ALL_READ_MODELS],
  ['places', { projections: [placesProjection], tables: ['places'] }],
  ['screenings', screeningsAndBookings],
  ['bookings', screeningsAndBookings],
  ['seat-claims', { projections: [seatClaimsProjection], tables: ['seat_claims'] }],
  ['seat_claims', { projections: [seatClaimsProjection], tables: ['seat_claims'] }],
  ['rooms', rooms],
  ['social', social],
]);

/** Names accepted by {@link readModelGroup}. */
export const READ_MODEL_GROUP_NAMES: readonly string[] = [...groups.keys()];

/** The tables a rebuild of `name` (a projection, or `read-models` for all) must replay and swap. */
export function readModelGroup(name: string): ReadModelGroup | undefined {
  return groups.get(name);
}
