import type { FastifyBaseLogger } from 'fastify';
import { Projector } from '../projections/projector.js';
import { READ_MODELS_PROJECTOR, readModelProjections } from '../projections/read-models.js';
import type { Runtime } from '../runtime.js';

/** Something that runs beside the API in a projecting process (ROLE all or project). */
export interface BackgroundService {
  start(): Promise<void>;
  /** Stops gracefully; services stop in reverse order of start. */
  stop(): Promise<void>;
}

/** The projector and the reactors this process runs on the event feed. */
export function backgroundServices(runtime: Runtime, log: FastifyBaseLogger): BackgroundService[] {
  const { store, db } = runtime;
  return [
    new Projector({
      name: READ_MODELS_PROJECTOR,
      store,
      db,
      projections: readModelProjections,
      logger: log,
    }),
  ];
}
