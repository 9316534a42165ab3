import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { WebhookDelivery } from '../billing/webhook-delivery.js';
import { WebhookOutboxDeliverer } from '../billing/webhook-outbox.js';
import type { Config } from '../config.js';
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
import type { ReadModelsPosition } from './plugins/read-models-position.js';
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

declare module 'fastify' {
  interface FastifyInstance {
    /** This process's hold-expiry scheduler; undefined when it runs no background work. */
    holdExpiry: HoldExpiryScheduler | undefined;
  }
}

/** What the background work of an app needs besides its stores. */
export interface BackgroundWorkOptions {
  readonly config: Config;
  readonly runtime: Runtime;
  readonly bus: RealtimeBus;
  readonly metrics: Metrics;
  readonly tickets: TicketCodes;
  /** Told of the read-models projector's commits (reads wait on them, the read cache empties). */
  readonly readModels: ReadModelsPosition;
  /** Where the simulated billing service delivers its webhooks: this app's own webhook route. */
  readonly billing: { readonly webhookSecret: string; readonly deliver: WebhookDelivery };
}

/**
 * The projector, reactors and outboxes this process runs (none when ROLE=serve), started when
 * the app is ready and stopped, newest first, when it closes.
 */
export const backgroundWork = fp(
  async (app: FastifyInstance, options: BackgroundWorkOptions) => {
    const { config, runtime, readModels } = options;
    const services: BackgroundService[] =
      config.ROLE === 'serve'
        ? []
        : backgroundServices(runtime, app.log, {
            bus: options.bus,
            metrics: options.metrics,
            tickets: options.tickets,
            onReadModelsAdvance: (position) => readModels.advanced(position),
          });
    const readModelsProjector = services.find((s) => s instanceof Projector);
    if (readModelsProjector) readModels.follow(readModelsProjector);
    // Simulated webhooks go through this app's webhook route: only a node serving it delivers.
    if (config.ROLE !== 'project' && config.BILLING === 'simulated') {
      const { db, now } = runtime;
      services.push(new WebhookOutboxDeliverer({ db, now, log: app.log, ...options.billing }));
    }
    // Tests and the CLI expire due holds now with `app.holdExpiry?.tick()`.
    app.decorate(
      'holdExpiry',
      services.find((s) => s instanceof HoldExpiryScheduler),
    );
    app.addHook('onReady', async () => {
      for (const service of services) await service.start();
    });
    app.addHook('onClose', async () => {
      for (const service of services.toReversed()) await service.stop();
    });
  },
  { name: 'cowatch-background-work' },
);
