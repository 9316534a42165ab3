import type { Decider } from '../decider.js';
import { eventGuard } from '../event-schema.js';
import { decidePlace, evolvePlace, initialPlaceState, type PlaceState } from './place.js';
import type { PlaceCommand } from './place-commands.js';
import { placeEventSchemas } from './place-event-schemas.js';
import type { PlaceEvent } from './place-events.js';

/** The place aggregate: a host's venue and its schedule of screenings. */
export const placeDecider: Decider<PlaceCommand, PlaceEvent, PlaceState> = {
  category: 'place',
  initialState: initialPlaceState,
  decide: decidePlace,
  evolve: evolvePlace,
  isEvent: eventGuard(placeEventSchemas),
};
