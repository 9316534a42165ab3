import type { FastifyBaseLogger } from 'fastify';
import { mailServices } from '../mail/mail-services.js';
import { Projector } from '../projections/projector.js';
import { billingReactor } from '../projections/reactors/billing-reactor.js';
import { holdExpiryScheduler } from '../projections/reactors/hold-expiry.js';
import { roomCloser } from '../projections/reactors/room-closer.js';
import { READ_MODELS_PROJECTOR, readModelProjectionsFor } from '../projections/read-models.js';
import type { Runtime } from '../runtime.js';
import type { TicketCodes } from '../tickets/ticket-codes.js';
import type { Notifier } from './notifications/notifier.js';
import type { Metrics } from './observability/metrics.js';

/** Something that runs beside the API in a projecting process (ROLE all or project). */
export interface BackgroundService {
  start(): Promise<void>;
  /** Stops gracefully; services stop in reverse order of start. */
  stop(): Promise<void>;
}

/** The projector and the reactors this process runs on the event feed. */
export function backgroundServices(
  runtime: Runtime,
  log: FastifyBaseLogger,
  deps: {
    readonly notifier?: Notifier;
    readonly metrics?: Metrics;
    /** Signs the tickets mailed on confirmation; without it no mail is sent. */
    readonly tickets?: TicketCodes;
  } = {},
): BackgroundService[] {
  const { store, db } = runtime;
  return [
    new Projector({
      name: READ_MODELS_PROJECTOR,
      store,
      db,
      projections: readModelProjectionsFor({ publisher: deps.notifier }),
      logger: log,
      onAdvance: (_position, applied) =>
        deps.metrics?.observeProjected(READ_MODELS_PROJECTOR, applied),
    }),
    holdExpiryScheduler(runtime, log),
    roomCloser(runtime, log),
    billingReactor(runtime, log),
    ...(deps.tickets ? mailServices(runtime, deps.tickets, log) : []),
  ];
}
