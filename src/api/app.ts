import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { DestinationStream } from 'pino';
import { billingWebhookSecret } from '../billing/simulated-billing.js';
import type { WebhookDelivery } from '../billing/webhook-delivery.js';
import { WebhookOutboxDeliverer } from '../billing/webhook-outbox.js';
import type { Config } from '../config.js';
import { readProjectionFailures } from '../projections/engine/projection-failures.js';
import { Projector } from '../projections/engine/projector.js';
import { HoldExpiryScheduler } from '../projections/reactors/hold-expiry.js';
import { openRuntime, type Runtime, type RuntimeOptions } from '../runtime.js';
import { TicketCodes, ticketKeysFrom } from '../tickets/ticket-codes.js';
import { resolveJwtSecret } from './auth/jwt-secret.js';
import { TokenService } from './auth/token-service.js';
import { type BackgroundService, backgroundServices } from './background-services.js';
import { injectWebhook } from './inject-webhook.js';
import { healthRoutes } from './observability/health-routes.js';
import { loggingOptions } from './observability/logging.js';
import { createMetrics } from './observability/metrics.js';
import { projectionLags } from './observability/projection-lag.js';
import { openApiCompletion } from './openapi/openapi-document.js';
import { authentication } from './plugins/authentication.js';
import { consistency } from './plugins/consistency.js';
import { idempotency } from './plugins/idempotency.js';
import { metricsPlugin } from './plugins/metrics-plugin.js';
import { clientErrorHandler, frameworkErrors, problemDetails } from './plugins/problem-details.js';
import { protection } from './plugins/protection.js';
import { ReadModelCache } from './plugins/read-model-cache.js';
import { requestIdFor } from './plugins/request-id.js';
import { routeTable } from './plugins/route-table.js';
import { createRealtime, type Realtime } from './realtime/realtime.js';
import { apiRoutes } from './routes/index.js';
import type { GroupCommit } from './tracking/group-commit.js';
import { trackingGroupCommit } from './tracking/tracking-service.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** This process's hold-expiry scheduler; undefined when it runs no background work. */
    holdExpiry: HoldExpiryScheduler | undefined;
    /** The stores and command handlers this app runs on (tests issue commands through it). */
    runtime: Runtime;
    /** This app's realtime bus and socket hub (tests count its sockets). */
    realtime: Realtime;
    /** The group commit of tracking events (tests read its buffer). */
    tracking: GroupCommit;
  }
}

export interface BuildAppOptions extends RuntimeOptions {
  /** Use these stores instead of opening the ones the config names (closed by the caller). */
  readonly runtime?: Runtime;
  /** Where log lines go (default: stdout); tests capture them. */
  readonly logStream?: DestinationStream;
  /** Wraps the simulated billing service's webhook delivery (tests inject faults with it). */
  readonly webhookDelivery?: (deliver: WebhookDelivery) => WebhookDelivery;
}

/**
 * Slow clients cannot hold connections open: a request must arrive whole within
 * REQUEST_TIMEOUT_MS (headers within HEADERS_TIMEOUT_MS), else a 408 problem and the connection
 * closes. Node checks for overdue requests every `connectionsCheckingInterval` (30 s by default,
 * far coarser than the timeouts), so it is tied to them.
 */
function connectionLimits(config: Config) {
  const { REQUEST_TIMEOUT_MS, HEADERS_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS } = config;
  return {
    requestTimeout: REQUEST_TIMEOUT_MS,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    http: {
      requestTimeout: REQUEST_TIMEOUT_MS,
      headersTimeout: HEADERS_TIMEOUT_MS,
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, HEADERS_TIMEOUT_MS / 4)),
    },
  };
}

/** Builds the cowatch HTTP app (and, unless ROLE=serve, its projector); `server.ts` listens. */
export async function buildApp(
  config: Config,
  options: BuildAppOptions = {},
): Promise<FastifyInstance> {
  const runtime = options.runtime ?? (await openRuntime(config, options));
  const metrics = createMetrics();
  runtime.observeCommands(metrics.commands);
  metrics.measureProjectionLag(() => projectionLags(runtime));
  metrics.measureStuckProjections(() => readProjectionFailures(runtime.db));
  const app = Fastify({
    // Elastic Common Schema lines, each with its request id; one line per completed request.
    ...loggingOptions(config.LOG_LEVEL, options.logStream),
    genReqId: requestIdFor,
    bodyLimit: 256 * 1024,
    frameworkErrors,
    clientErrorHandler,
    ...connectionLimits(config),
  }).withTypeProvider<ZodTypeProvider>();
  // Node has no option for it: connections past the cap are closed as they arrive.
  app.server.maxConnections = config.MAX_CONNECTIONS;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
  });

  await app.register(problemDetails);
  await app.register(routeTable);
  await app.register(metricsPlugin, { metrics });
  // Before authentication: its onRequest hook marks upgrades, so a refused one is closed.
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'cowatch',
        description: 'Cinema screenings and co-watching bookings',
        version: '1.0.0',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
    // Error responses, headers, security and the WebSocket protocol for every route, in one place.
    ...openApiCompletion(),
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const jwtSecret = await resolveJwtSecret(config);
  const tokens = new TokenService(jwtSecret);
  await app.register(authentication, { tokens });
  await app.register(protection, { config });
  await app.register(consistency, { runtime });
  await app.register(idempotency, { db: runtime.db, sweepEveryMs: config.IDEMPOTENCY_SWEEP_MS });
  const realtime = createRealtime(config, app.log);
  metrics.countOpenSockets(() => realtime.sockets.size);
  app.decorate('realtime', realtime);
  // The simulated billing service delivers its webhooks through the app's own HTTP pipeline.
  const delivery = injectWebhook(app);
  const billing = {
    webhookSecret: billingWebhookSecret(config, jwtSecret),
    deliver: options.webhookDelivery ? options.webhookDelivery(delivery) : delivery,
  };
  app.decorate('runtime', runtime);
  const tickets = new TicketCodes(ticketKeysFrom(config.TICKET_KEYS, jwtSecret));
  const tracking = trackingGroupCommit(runtime, app.log, metrics.registry);
  app.decorate('tracking', tracking);
  const readCache = new ReadModelCache({
    comparePositions: (a, b) => runtime.store.comparePositions(a, b),
  });
  const deps = { runtime, tokens, realtime, billing, tickets, tracking, readCache };
  // A projecting-only process (ROLE=project) answers health checks and metrics, nothing else.
  await app.register(config.ROLE === 'project' ? healthRoutes : apiRoutes, deps);

  const services: BackgroundService[] =
    config.ROLE === 'serve'
      ? []
      : backgroundServices(runtime, app.log, {
          bus: realtime.bus,
          metrics,
          tickets,
          onReadModelsAdvance: (position) => readCache.advanced(position),
        });
  const readModelsProjector = services.find((s) => s instanceof Projector);
  if (readModelsProjector) readCache.follow(readModelsProjector);
  // Simulated webhooks go through this app's webhook route: only a node serving it delivers.
  if (config.ROLE !== 'project' && config.BILLING === 'simulated') {
    const { db, now } = runtime;
    services.push(new WebhookOutboxDeliverer({ db, now, log: app.log, ...billing }));
  }
  // Tests and the CLI expire due holds now with `app.holdExpiry?.tick()`.
  app.decorate(
    'holdExpiry',
    services.find((s) => s instanceof HoldExpiryScheduler),
  );
  app.addHook('onReady', async () => {
    await realtime.bus.start();
    for (const service of services) await service.start();
  });
  app.addHook('onClose', async () => {
    realtime.sockets.close();
    // Every event answered or about to be answered 202 is written before the stores close.
    await tracking.close();
    for (const service of services.toReversed()) await service.stop();
    await realtime.bus.close();
    if (!options.runtime) await runtime.close();
  });
  return app;
}
