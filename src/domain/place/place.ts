import { fitsLength, isWithinTimeBounds, MAX_TEXT, TIME_BOUNDS_TEXT } from '../bounds.js';
import { assertNever, refuse } from '../errors.js';
import type { PlaceCommand } from './place-commands.js';
import type { PlaceEvent } from './place-events.js';

/** Folded state of a place. */
export type PlaceState =
  | { readonly status: 'initial' }
  | {
      readonly status: 'active' | 'deleted';
      readonly placeId: string;
      readonly hostId: string;
      readonly name: string;
      readonly createdAt: string;
      /** IANA time zone of the place; null: the deployment's default. */
      readonly timeZone: string | null;
      /** Screenings on the schedule, by id, with their start time (ISO). */
      readonly screenings: ReadonlyMap<string, string>;
    };

export const initialPlaceState: PlaceState = { status: 'initial' };

/** Applies one event to the state. */
export function evolvePlace(state: PlaceState, event: PlaceEvent): PlaceState {
  switch (event.type) {
    case 'PlaceCreated':
      return {
        status: 'active',
        placeId: event.data.placeId,
        hostId: event.data.hostId,
        name: event.data.name,
        createdAt: event.data.createdAt,
        timeZone: event.data.timeZone ?? null,
        screenings: new Map(),
      };
    case 'ScreeningAddedToPlace': {
      if (state.status === 'initial') return state;
      const screenings = new Map(state.screenings);
      screenings.set(event.data.screeningId, event.data.startsAt);
      return { ...state, screenings };
    }
    case 'ScreeningRemovedFromPlace': {
      if (state.status === 'initial') return state;
      const screenings = new Map(state.screenings);
      screenings.delete(event.data.screeningId);
      return { ...state, screenings };
    }
    case 'PlaceDeleted':
      return state.status === 'initial' ? state : { ...state, status: 'deleted' };
    default:
      return assertNever(event);
  }
}

/** Decides the events a command produces, or throws a DomainError. */
export function decidePlace(command: PlaceCommand, state: PlaceState): PlaceEvent[] {
  switch (command.type) {
    case 'CreatePlace': {
      if (state.status !== 'initial') {
        if (state.hostId === command.hostId && state.name === command.name) return [];
        return refuse('place_already_exists', `place ${command.placeId} already exists`);
      }
      const { placeId, hostId, name, address, description, timeZone } = command;
      const texts = [
        [name, MAX_TEXT.placeName],
        [address, MAX_TEXT.placeAddress],
        [description, MAX_TEXT.placeDescription],
      ] as const;
      if (name.length === 0 || !texts.every(([value, max]) => fitsLength(value, max))) {
        return refuse(
          'invalid_place',
          `a place needs a name of at most ${MAX_TEXT.placeName} characters, an address of at most ${MAX_TEXT.placeAddress} and a description of at most ${MAX_TEXT.placeDescription}`,
        );
      }
      const createdAt = command.now.toISOString();
      const data = { placeId, hostId, name, address, description, createdAt };
      // Only when given: places created before time zones keep their events' exact shape.
      return [{ type: 'PlaceCreated', data: timeZone ? { ...data, timeZone } : data }];
    }
    case 'AddScreeningToPlace': {
      const place = requireActive(state, command.placeId);
      if (place.hostId !== command.hostId) {
        return refuse('not_place_host', 'only the host of the place can schedule screenings there');
      }
      if (place.screenings.has(command.screeningId)) return [];
      if (!isWithinTimeBounds(command.startsAt)) {
        return refuse('invalid_screening', `a screening must start ${TIME_BOUNDS_TEXT}`);
      }
      const { placeId, screeningId } = command;
      const startsAt = command.startsAt.toISOString();
      return [{ type: 'ScreeningAddedToPlace', data: { placeId, screeningId, startsAt } }];
    }
    case 'RemoveScreeningFromPlace': {
      if (state.status === 'initial' || !state.screenings.has(command.screeningId)) return [];
      const { placeId, screeningId } = command;
      return [{ type: 'ScreeningRemovedFromPlace', data: { placeId, screeningId } }];
    }
    case 'DeletePlace': {
      const place = requireActive(state, command.placeId);
      if (place.hostId !== command.hostId) {
        return refuse('not_place_host', 'only the host of the place can delete it');
      }
      const upcoming = [...place.screenings].filter(
        ([, startsAt]) => new Date(startsAt) > command.now,
      );
      if (upcoming.length > 0) {
        return refuse(
          'place_has_scheduled_screenings',
          `cancel the ${upcoming.length} scheduled screening(s) of this place first`,
          { screeningIds: upcoming.map(([id]) => id) },
        );
      }
      return [
        {
          type: 'PlaceDeleted',
          data: { placeId: command.placeId, deletedAt: command.now.toISOString() },
        },
      ];
    }
    default:
      return assertNever(command);
  }
}

function requireActive(state: PlaceState, placeId: string) {
  if (state.status !== 'active') return refuse('place_not_found', `place ${placeId} not found`);
  return state;
}
