import type { Projection } from '../engine/projection.js';
import {
  FILM_COUNTERS,
  READ_MODEL_TABLES,
  READ_MODELS,
  READ_MODELS_PROJECTOR,
  type ReadModel,
  type ReadModelTable,
} from '../read-models.js';

export type { ReadModelTable };

/** What a partial rebuild replays and what it swaps in. */
export interface ReadModelGroup {
  /** Replayed into the scratch schema, in the projector's order. */
  readonly projections: readonly Projection[];
  /** Swapped into the live schema; the other replayed tables only fed the replay. */
  readonly tables: readonly ReadModelTable[];
}

/**
 * The projections whose every table is among `tables`: once those tables are swapped in whole,
 * a failure such a projection was stuck on is cleared and it resumes.
 */
export function projectionsOwning(tables: readonly ReadModelTable[]): string[] {
  return READ_MODELS.filter((model) =>
    Object.keys(model.tables).every((table) => tables.includes(table)),
  ).flatMap((model) => model.projections.map((projection) => projection.name));
}

/** Whether replaying `tables` recounts the films' counters ({@link FILM_COUNTERS}). */
export function replaysFilmCounters(tables: readonly ReadModelTable[]): boolean {
  return FILM_COUNTERS.fedBy.some((table) => tables.includes(table));
}

/**
 * Every swappable read model. Projections of other tables (notifications, whose cursors clients
 * resume from) are left out: their live rows stay as they are.
 */
export const ALL_READ_MODELS: ReadModelGroup = {
  projections: READ_MODELS.flatMap((model) => model.projections),
  tables: READ_MODEL_TABLES,
};

const groupOf = (model: ReadModel): ReadModelGroup => ({
  projections: [...(model.reads ?? []), ...model.projections],
  tables: Object.keys(model.tables),
});

const groups: ReadonlyMap<string, ReadModelGroup> = new Map([
  [READ_MODELS_PROJECTOR, ALL_READ_MODELS],
  ...READ_MODELS.flatMap((model) => model.names.map((name) => [name, groupOf(model)] as const)),
]);

/** Names accepted by {@link readModelGroup}. */
export const READ_MODEL_GROUP_NAMES: readonly string[] = [...groups.keys()];

/** The tables a rebuild of `name` (a projection, or `read-models` for all) must replay and swap. */
export function readModelGroup(name: string): ReadModelGroup | undefined {
  return groups.get(name);
}
