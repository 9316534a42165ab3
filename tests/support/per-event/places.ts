import { placeDecider } from '../../../src/domain/place/index.js';
import type { RecordedEvent } from '../../../src/eventstore/event-store.js';
import type { Tx } from '../../../src/projections/db/database.js';

/** `places`, one event at a time: the oracle of the places projection. */
export async function placesOneEvent(tx: Tx, event: RecordedEvent): Promise<void> {
  if (!placeDecider.isEvent(event)) return;
  switch (event.type) {
    case 'PlaceCreated': {
      const { placeId, hostId, name, address, description, createdAt } = event.data;
      await tx
        .insertInto('places')
        .values({
          id: placeId,
          host_id: hostId,
          name,
          address,
          description,
          time_zone: event.data.timeZone ?? null,
          created_at: createdAt,
          deleted_at: null,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      return;
    }
    case 'PlaceDeleted':
      await tx
        .updateTable('places')
        .set({ deleted_at: event.data.deletedAt })
        .where('id', '=', event.data.placeId)
        .execute();
      return;
    case 'ScreeningAddedToPlace':
    case 'ScreeningRemovedFromPlace':
      return;
    default: {
      const _: never = event;
      return;
    }
  }
}
