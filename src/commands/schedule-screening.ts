import type { Money } from '../domain/money.js';
import { type ScreeningCommand, screeningDecider } from '../domain/screening/index.js';
import type { Seating } from '../domain/seat.js';
import type { CommandContext } from './command-context.js';
import type { CommandMetadata } from './event-envelope.js';

export interface ScheduleScreeningInput {
  readonly screeningId: string;
  readonly placeId: string;
  readonly hostId: string;
  readonly filmId: string;
  readonly startsAt: Date;
  readonly endsAt: Date;
  readonly price: Money;
  readonly seating: Seating;
}

/**
 * Schedules a screening at a place. The place's schedule is written first, through the place
 * stream's revision check, so scheduling and deleting a place cannot both succeed.
 */
export async function scheduleScreening(
  ctx: CommandContext,
  input: ScheduleScreeningInput,
  metadata: CommandMetadata,
) {
  const command: ScreeningCommand = { type: 'ScheduleScreening', ...input, now: ctx.now() };
  // Decide against an empty stream first (pure, no I/O): an invalid screening is refused
  // before the place's schedule is touched.
  screeningDecider.decide(command, screeningDecider.initialState);
  const { placeId, hostId, screeningId, startsAt } = input;
  await ctx.places.handle(
    placeId,
    { type: 'AddScreeningToPlace', placeId, hostId, screeningId, startsAt },
    { metadata },
  );
  try {
    return await ctx.screenings.handle(screeningId, command, { metadata });
  } catch (error) {
    // Give the place its slot back so the screening that never was does not block deletion.
    await ctx.places
      .handle(placeId, { type: 'RemoveScreeningFromPlace', placeId, screeningId }, { metadata })
      .catch(() => undefined);
    throw error;
  }
}
