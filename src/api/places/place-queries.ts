import { z } from 'zod';
import type { Db, PlaceRow } from '../../projections/db/database.js';
import { cursorId, cursorTime, decodeCursor, toPage } from '../pagination.js';
import type { Place } from '../schemas/place.js';

const placeCursor = z.object({ createdAt: cursorTime, id: cursorId });

function toPlace(row: PlaceRow): Place {
  return {
    id: row.id,
    hostId: row.host_id,
    name: row.name,
    address: row.address,
    description: row.description,
    timeZone: row.time_zone,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** A place that exists and is not deleted. */
export async function findPlace(db: Db, placeId: string): Promise<Place | undefined> {
  const row = await db
    .selectFrom('places')
    .selectAll()
    .where('id', '=', placeId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return row && toPlace(row);
}

/** A host's places, newest first, deleted ones left out; keyset-paged on (created_at, id). */
export async function listHostPlaces(
  db: Db,
  hostId: string,
  page: { readonly limit: number; readonly cursor?: string | undefined },
) {
  let query = db
    .selectFrom('places')
    .selectAll()
    .where('host_id', '=', hostId)
    .where('deleted_at', 'is', null);
  if (page.cursor !== undefined) {
    const after = decodeCursor(page.cursor, placeCursor);
    query = query.where((eb) =>
      eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(after.createdAt, after.id)),
    );
  }
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute();
  return toPage(rows, page.limit, toPlace, (row) => ({
    createdAt: new Date(row.created_at).toISOString(),
    id: row.id,
  }));
}
