import { type PlaceEvent, placeDecider } from '../../../domain/place/index.js';
import type { NewPlaceRow, Tx } from '../../db/database.js';
import { anyUuid, chunks, uuidKey } from '../../engine/batch-sql.js';
import type { Projection } from '../../engine/projection.js';

/** The `places` table: one row per place; a deleted place keeps its row with `deleted_at`. */
export const placesProjection: Projection = {
  name: 'places',
  async applyBatch(tx, batch): Promise<void> {
    const events = batch.filter((event) => placeDecider.isEvent(event));
    const ids = events.map((event) => uuidKey(event.data.placeId));
    if (ids.length === 0) return;
    const known = await tx
      .selectFrom('places')
      .select('id')
      .where('id', '=', anyUuid(ids))
      .execute();
    const exists = new Set(known.map((place) => place.id));
    const created = new Map<string, NewPlaceRow>();
    const deleted = new Map<string, string>();
    for (const event of events) {
      const id = uuidKey(event.data.placeId);
      if (event.type === 'PlaceCreated' && !exists.has(id)) {
        exists.add(id);
        created.set(id, newPlace(event.data));
      } else if (event.type === 'PlaceDeleted' && exists.has(id)) {
        const row = created.get(id);
        if (row) row.deleted_at = event.data.deletedAt;
        else deleted.set(id, event.data.deletedAt);
      }
    }
    for (const rows of chunks([...created.values()])) {
      await tx
        .insertInto('places')
        .values(rows)
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    }
    for (const [id, at] of deleted) await markDeleted(tx, id, at);
  },
};

type Created = Extract<PlaceEvent, { type: 'PlaceCreated' }>['data'];

function newPlace(data: Created): NewPlaceRow {
  const { placeId, hostId, name, address, description, createdAt } = data;
  return {
    id: placeId,
    host_id: hostId,
    name,
    address,
    description,
    time_zone: data.timeZone ?? null,
    created_at: createdAt,
    deleted_at: null,
  };
}

async function markDeleted(tx: Tx, placeId: string, deletedAt: string): Promise<void> {
  await tx.updateTable('places').set({ deleted_at: deletedAt }).where('id', '=', placeId).execute();
}
