import type { CommandContext } from './command-context.js';
import type { HandleOptions } from './decider-handler.js';

/**
 * Host cancels a screening: every live booking is cancelled (paid ones marked for refund) in
 * the same append, then the screening leaves the place's schedule.
 */
export async function cancelScreening(
  ctx: CommandContext,
  input: { readonly screeningId: string; readonly hostId: string; readonly reason: string | null },
  options: HandleOptions,
) {
  const command = { type: 'CancelScreening' as const, ...input, now: ctx.now() };
  const result = await ctx.screenings.handle(input.screeningId, command, options);
  if (result.state.status !== 'initial') {
    const { placeId } = result.state;
    const { screeningId } = input;
    await ctx.places.handle(
      placeId,
      { type: 'RemoveScreeningFromPlace', placeId, screeningId },
      { metadata: options.metadata },
    );
  }
  return result;
}
