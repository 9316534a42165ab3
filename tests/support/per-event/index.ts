import type { RecordedEvent } from '../../../src/eventstore/event-store.js';
import type { Tx } from '../../../src/projections/db/database.js';
import type { Projection, ProjectionContext } from '../../../src/projections/engine/projection.js';
import { roomsProjection } from '../../../src/projections/read-models/rooms/rooms-projection.js';
import { bookingsOneEvent } from './bookings.js';
import { notificationsOneEvent } from './notifications.js';
import { placesOneEvent } from './places.js';
import { screeningsOneEvent } from './screenings.js';
import { seatClaimsOneEvent } from './seat-claims.js';
import { socialOneEvent } from './social.js';
import { unshared } from './unshared-context.js';

type OneEvent = (tx: Tx, event: RecordedEvent, context: ProjectionContext) => Promise<void>;

/**
 * The read models written the plain way, each event through every read model in turn, in the
 * order of `readModelProjections`: the oracle the batch projections are compared with. Rooms
 * has no per-event code of its own (its batch is its per-event code, with runs of playback
 * changes folded), so it is the projection itself, one event per batch.
 */
const ONE_EVENT: readonly OneEvent[] = [
  placesOneEvent,
  screeningsOneEvent,
  bookingsOneEvent,
  seatClaimsOneEvent,
  (tx, event, context) => roomsProjection.applyBatch(tx, [event], unshared(context)),
  socialOneEvent,
  notificationsOneEvent,
];

/** All the read models as one projection that applies its batch event by event. */
export const perEventReadModels: Projection = {
  name: 'per-event-oracle',
  async applyBatch(tx, events, context) {
    for (const event of events) {
      for (const apply of ONE_EVENT) await apply(tx, event, context);
    }
  },
};
