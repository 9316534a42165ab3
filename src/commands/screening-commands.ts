import { DomainError } from '../domain/errors.js';
import type { ScreeningState } from '../domain/screening/index.js';
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
  try {
    const result = await ctx.screenings.handle(input.screeningId, command, options);
    await removeFromPlace(ctx, result.state, options);
    return result;
  } catch (error) {
    // A retry after a crash between the two steps: the screening is already cancelled, but
    // the place may still list it (and refuse to be deleted). Finish that step, then refuse.
    if (error instanceof DomainError && error.code === 'screening_cancelled') {
      const { state } = await ctx.screenings.load(input.screeningId);
      if (state.status !== 'initial' && state.hostId === input.hostId)
        await removeFromPlace(ctx, state, options);
    }
    throw error;
  }
}

async function removeFromPlace(ctx: CommandContext, state: ScreeningState, options: HandleOptions) {
  if (state.status === 'initial') return;
  const { placeId, screeningId } = state;
  await ctx.places.handle(
    placeId,
    { type: 'RemoveScreeningFromPlace', placeId, screeningId },
    { metadata: options.metadata },
  );
}
