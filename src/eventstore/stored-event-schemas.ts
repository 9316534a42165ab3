import { eventDataProblem } from '../domain/event-schema.js';
import { placeEventSchemas } from '../domain/place/place-event-schemas.js';
import { screeningEventSchemas } from '../domain/screening/screening-event-schemas.js';
import {
  followingEventSchemas,
  libraryEventSchemas,
} from '../domain/social/social-event-schemas.js';
import type { EventMetadata } from './event-store.js';
import { upcast } from './upcast.js';

/** The current data schema of every event type the app knows; other types pass unchecked. */
const schemas = new Map(
  Object.entries({
    ...placeEventSchemas,
    ...screeningEventSchemas,
    ...followingEventSchemas,
    ...libraryEventSchemas,
  }),
);

interface Stored {
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata: EventMetadata;
}

/**
 * What is wrong with a stored (or imported) event once upcast to the current version, or
 * undefined when its data matches its type's schema.
 */
export function storedEventProblem(event: Stored): string | undefined {
  const current = upcast(event);
  const schema = schemas.get(current.type);
  return schema && eventDataProblem(schema, current.data);
}

/**
 * The port's decoding of every event it reads: upcast to the current version, then checked
 * against its schema. A mismatch is remembered with the data; the aggregate's `isEvent` raises
 * it (a projection is then stuck on that event, loudly) instead of this read failing the feed.
 */
export function decodeStoredEvent<E extends Stored>(event: E): E {
  const current = upcast(event);
  const schema = schemas.get(current.type);
  if (schema) eventDataProblem(schema, current.data);
  return current;
}
