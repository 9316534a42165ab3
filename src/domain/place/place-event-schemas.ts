import { z } from 'zod';
import type { EventSchemas } from '../event-schema.js';
import type { PlaceEvent } from './place-events.js';

// Structural checks only (strings stay strings): stored history must keep reading.
const id = z.string();
const at = z.string();

/** The data of each place event, checked as events are read and imported. */
export const placeEventSchemas: EventSchemas<PlaceEvent> = {
  PlaceCreated: z.object({
    placeId: id,
    hostId: id,
    name: z.string(),
    address: z.string().nullable(),
    description: z.string().nullable(),
    createdAt: at,
    timeZone: z.string().optional(),
  }),
  ScreeningAddedToPlace: z.object({ placeId: id, screeningId: id, startsAt: at }),
  ScreeningRemovedFromPlace: z.object({ placeId: id, screeningId: id }),
  PlaceDeleted: z.object({ placeId: id, deletedAt: at }),
};
