import { placeDecider } from '../domain/place/index.js';
import type { RecordedEvent } from '../eventstore/event-store.js';
import type { Tx } from './db/database.js';
import type { Projection } from './projection.js';

/** The `places` table: one row per place; a deleted place keeps its row with `deleted_at`. */
export const placesProjection: Projection = {
  name: 'places',
  async apply(tx: Tx, event: RecordedEvent): Promise<void> {
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
        // The schedule is read from the screenings table.
        return;
      default: {
        const _: never = event;
        return;
      }
    }
  },
};
