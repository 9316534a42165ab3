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
import type { Config } from '../config.js';
import { readProjectionFailures } from '../projections/engine/projection-failures.js';
import { openRuntime, type Runtime, type RuntimeOptions } from '../runtime.js';
import { TicketCodes, ticketKeysFrom } from '../tickets/ticket-codes.js';
import { resolveJwtSecret } from './auth/jwt-secret.js';
import { TokenService } from './auth/token-service.js';
import { backgroundWork } from './background-services.js';
import { injectWebhook } from './inject-webhook.js';
import { healthRoutes } from './observability/health-routes.js';
import { loggingOptions } from './observability/logging.js';
import { createMetrics } from './observability/metrics.js';
import { projectionLags } from './observability/projection-lag.js';
import { apiDocs } from './plugins/api-docs.js';
import { authentication } from './plugins/authentication.js';
import { consistency } from './plugins/consistency.js';
import { idempotency } from './plugins/idempotency.js';
import { metricsPlugin } from './plugins/metrics-plugin.js';
import { clientErrorHandler, frameworkErrors, problemDetails } from './plugins/problem-details.js';
import { protection } from './plugins/protection.js';
import { ReadModelCache } from './plugins/read-model-cache.js';
import { ReadModelsPosition } from './plugins/read-models-position.js';
import { requestIdFor } from './plugins/request-id.js';
import { routeTable } from './plugins/route-table.js';
import { stores } from './plugins/stores.js';
import { realtimePlugin } from './realtime/realtime-plugin.js';
import { apiRoutes } from './routes/index.js';
import { trackingPlugin } from './tracking/tracking-service.js';

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
  const app = httpServer(config, options);

  // Registered first, closed last: see each plugin for what its place in the order buys.
  await app.register(stores, { runtime, owned: !options.runtime });
  await app.register(problemDetails);
  await app.register(routeTable);
  await app.register(metricsPlugin, { metrics });
  // Before authentication: its onRequest hook marks upgrades, so a refused one is closed.
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(apiDocs);
  const jwtSecret = await resolveJwtSecret(config);
  const tokens = new TokenService(jwtSecret);
  await app.register(authentication, { tokens });
  await app.register(protection, { config });
  const readModels = new ReadModelsPosition(runtime);
  await app.register(consistency, { runtime, readModels });
  await app.register(idempotency, { db: runtime.db, sweepEveryMs: config.IDEMPOTENCY_SWEEP_MS });
  await app.register(realtimePlugin, { config });
  metrics.countOpenSockets(() => app.realtime.sockets.size);

  // The simulated billing service delivers its webhooks through the app's own HTTP pipeline.
  const delivery = injectWebhook(app);
  const billing = {
    webhookSecret: billingWebhookSecret(config, jwtSecret),
    deliver: options.webhookDelivery ? options.webhookDelivery(delivery) : delivery,
  };
  const tickets = new TicketCodes(ticketKeysFrom(config.TICKET_KEYS, jwtSecret));
  const readCache = new ReadModelCache({
    comparePositions: (a, b) => runtime.store.comparePositions(a, b),
  });
  // The cache follows the projector through what the app knows of the read models' position.
  readCache.follow(readModels);
  readModels.onAdvance((position) => readCache.advanced(position));
  const { realtime } = app;
  await app.register(backgroundWork, {
    config,
    runtime,
    bus: realtime.bus,
    metrics,
    tickets,
    readModels,
    billing,
  });
  await app.register(trackingPlugin, { runtime, registry: metrics.registry });
  const { tracking } = app;
  const deps = { runtime, tokens, realtime, billing, tickets, tracking, readCache, readModels };
  // A projecting-only process (ROLE=project) answers health checks and metrics, nothing else.
  await app.register(config.ROLE === 'project' ? healthRoutes : apiRoutes, deps);
  return app;
}

/** The Fastify instance: logging, request ids, limits and zod for validation and replies. */
function httpServer(config: Config, options: BuildAppOptions) {
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
  return app;
}
