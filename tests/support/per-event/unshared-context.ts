import type { ProjectionContext } from '../../../src/projections/engine/projection.js';

/** The context of a batch of one: nothing shared with the other events of the batch. */
export function unshared(context: ProjectionContext): ProjectionContext {
  return { afterCommit: (effect) => context.afterCommit(effect), shared: (_key, load) => load() };
}
