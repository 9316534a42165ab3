import type { Decider, DomainEvent } from '../decider.js';
import { decidePlace, evolvePlace, initialPlaceState, type PlaceState } from './place.js';
import type { PlaceCommand } from './place-commands.js';
import { type PlaceEvent, placeEventTypes } from './place-events.js';

const types = new Set<string>(placeEventTypes);

/** The place aggregate: a host's venue and its schedule of screenings. */
export const placeDecider: Decider<PlaceCommand, PlaceEvent, PlaceState> = {
  category: 'place',
  initialState: initialPlaceState,
  decide: decidePlace,
  evolve: evolvePlace,
  isEvent: (event: DomainEvent): event is PlaceEvent => types.has(event.type),
};
