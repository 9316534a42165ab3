import type { FastifyBaseLogger } from 'fastify';
import { mailServices } from '../mail/mail-services.js';
import type { BackgroundService } from '../projections/engine/background-service.js';
import { Projector } from '../projections/engine/projector.js';
import { billingReactor } from '../projections/reactors/billing-reactor.js';
import { HoldExpiryScheduler } from '../projections/reactors/hold-expiry.js';
import { RoomCloser } from '../projections/reactors/room-closer.js';
import { READ_MODELS_PROJECTOR, readModelProjectionsFor } from '../projections/read-models.js';
import { TrackingMaintenance } from '../projections/tracking/tracking-maintenance.js';
import type { Runtime } from '../runtime.js';
import type { TicketCodes } from '../tickets/ticket-codes.js';
import { notificationFanOut } from './notifications/notification-fan-out.js';
import type { Metrics } from './observability/metrics.js';
import type { RealtimeBus } from './realtime/realtime-bus.js';

// Defined beside the reactors that implement it, so they need not import from the API layer.
export type { BackgroundService };

/** The projector and the reactors this process runs on the event feed. */
export function backgroundServices(
  runtime: Runtime,
  log: FastifyBaseLogger,
  deps: {
    /** Where committed notifications go live; without it they reach only the inbox. */
    readonly bus?: RealtimeBus;
    readonly metrics?: Metrics;
    /** Signs the tickets mailed on confirmation; without it no mail is sent. */
    readonly tickets?: TicketCodes;
    /** Told after each batch the read-models projector commits (the read cache). */
    readonly onReadModelsAdvance?: (position: string) => void;
  } = {},
): BackgroundService[] {
  const { store, db, commands, billing, config } = runtime;
  return [
    new Projector({
      name: READ_MODELS_PROJECTOR,
      store,
      db,
      projections: readModelProjectionsFor({
        publisher: deps.bus && notificationFanOut(deps.bus),
      }),
      logger: log,
      onAdvance: (position, applied) => {
        deps.onReadModelsAdvance?.(position);
        deps.metrics?.observeProjected(READ_MODELS_PROJECTOR, applied);
      },
    }),
    new HoldExpiryScheduler({ db, commands, pollMs: config.EXPIRY_POLL_MS, log }),
    new RoomCloser({
      db,
      commands,
      log,
      pollMs: config.ROOM_CLOSE_POLL_MS,
      emptyMs: config.ROOM_EMPTY_CLOSE_MS,
    }),
    billingReactor({ store, db, commands, billing, logger: log }),
    new TrackingMaintenance(runtime, log),
    ...(deps.tickets ? mailServices(runtime, deps.tickets, log) : []),
  ];
}
