import type { CommandContext } from './command-context.js';
import type { HandleOptions } from './decider-handler.js';

/** The host admits a ticket's holder at the door: once per booking, whatever the scanners do. */
export function checkInTicket(
  ctx: CommandContext,
  input: { readonly screeningId: string; readonly bookingId: string; readonly hostId: string },
  options: HandleOptions,
) {
  return ctx.screenings.handle(
    input.screeningId,
    { type: 'CheckInTicket', ...input, now: ctx.now() },
    options,
  );
}
