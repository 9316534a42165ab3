import { bookingsProjection } from './bookings-projection.js';
import { placesProjection } from './places-projection.js';
import type { Projection } from './projection.js';
import { roomsProjection } from './read-models/rooms/rooms-projection.js';
import { READ_MODEL_TABLES, READ_MODELS_PROJECTOR, readModelProjections } from './read-models.js';
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

const tableNames: readonly string[] = READ_MODEL_TABLES;

/**
 * Every swappable read model. Projections of other tables (notifications, whose cursors clients
 * resume from) are left out: their live rows stay as they are.
 */
export const ALL_READ_MODELS: ReadModelGroup = {
  projections: readModelProjections.filter((projection) => tableNames.includes(projection.name)),
  tables: READ_MODEL_TABLES,
};
// Screenings reads a booking's status when it ends and bookings reads the screening's host,
// so neither can be replayed without the other; screenings also reads place names.
const screeningsAndBookings: ReadModelGroup = {
  projections: [placesProjection, screeningsProjection, bookingsProjection],
  tables: ['screenings', 'bookings'],
};

// Rooms, their members, invitations and chat: one projection writes the four tables.
const rooms: ReadModelGroup = {
  projections: [roomsProjection],
  tables: ['rooms', 'room_members', 'room_invites', 'room_messages'],
};

const groups: ReadonlyMap<string, ReadModelGroup> = new Map([
  [READ_MODELS_PROJECTOR, ALL_READ_MODELS],
  ['places', { projections: [placesProjection], tables: ['places'] }],
  ['screenings', screeningsAndBookings],
  ['bookings', screeningsAndBookings],
  ['seat-claims', { projections: [seatClaimsProjection], tables: ['seat_claims'] }],
  ['seat_claims', { projections: [seatClaimsProjection], tables: ['seat_claims'] }],
  ['rooms', rooms],
]);

/** Names accepted by {@link readModelGroup}. */
export const READ_MODEL_GROUP_NAMES: readonly string[] = [...groups.keys()];

/** The tables a rebuild of `name` (a projection, or `read-models` for all) must replay and swap. */
export function readModelGroup(name: string): ReadModelGroup | undefined {
  return groups.get(name);
}
