import type { CommandContext } from './command-context.js';
import type { CommandMetadata } from './event-envelope.js';

export interface CreatePlaceInput {
  readonly placeId: string;
  readonly hostId: string;
  readonly name: string;
  readonly address: string | null;
  readonly description: string | null;
  readonly timeZone?: string | null;
}

/** Creates a host's place. */
export function createPlace(
  ctx: CommandContext,
  input: CreatePlaceInput,
  metadata: CommandMetadata,
) {
  return ctx.places.handle(
    input.placeId,
    { type: 'CreatePlace', ...input, now: ctx.now() },
    { metadata },
  );
}

/**
 * Deletes a place. Refused while a scheduled screening has not started: the place stream's
 * schedule is the single source of truth, so a racing `scheduleScreening` either lands
 * first (and this is refused) or finds the place deleted.
 */
export function deletePlace(
  ctx: CommandContext,
  input: { readonly placeId: string; readonly hostId: string },
  metadata: CommandMetadata,
) {
  return ctx.places.handle(
    input.placeId,
    { type: 'DeletePlace', ...input, now: ctx.now() },
    { metadata },
  );
}
