import { ecsFormat } from '@elastic/ecs-pino-format';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Config } from '../config.js';
import { billingWebhookSecret } from '../projections/billing/simulated-billing.js';
import { HoldExpiryScheduler } from '../projections/reactors/hold-expiry.js';
import { openRuntime, type Runtime, type RuntimeOptions } from '../runtime.js';
import { TicketCodes, ticketKeysFrom } from '../tickets/ticket-codes.js';
import { resolveJwtSecret } from './auth/jwt-secret.js';
import { TokenService } from './auth/token-service.js';
import { backgroundServices } from './background-services.js';
import { injectWebhook } from './inject-webhook.js';
import { createNotifier } from './notifications/notifier.js';
import { openNotificationSockets } from './notifications/socket-registry.js';
import { createMetrics } from './observability/metrics.js';
import { projectionLags } from './observability/projection-lag.js';
import { authentication } from './plugins/authentication.js';
import { consistency } from './plugins/consistency.js';
import { idempotency } from './plugins/idempotency.js';
import { metricsPlugin } from './plugins/metrics-plugin.js';
import { problemDetails } from './plugins/problem-details.js';
import { protection } from './plugins/protection.js';
import { requestIdFor } from './plugins/request-id.js';
import { healthRoutes } from './routes/health-routes.js';
import { apiRoutes } from './routes/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** This process's hold-expiry scheduler; undefined when it runs no background work. */
    holdExpiry: HoldExpiryScheduler | undefined;
    /** The stores and command handlers this app runs on (tests issue commands through it). */
    runtime: Runtime;
  }
}

export interface BuildAppOptions extends RuntimeOptions {
  /** Use these stores instead of opening the ones the config names (closed by the caller). */
  readonly runtime?: Runtime;
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
  metrics.countOpenSockets(openNotificationSockets);
  const app = Fastify({
    // Elastic Common Schema lines: they load into ELK as they are, each with its requestId.
    logger: {
      level: config.LOG_LEVEL,
      ...ecsFormat({ convertReqRes: true, serviceName: 'cowatch' }),
    },
    genReqId: requestIdFor,
    requestIdLogLabel: 'requestId',
    bodyLimit: 256 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
  });

  await app.register(problemDetails);
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
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const jwtSecret = await resolveJwtSecret(config);
  const tokens = new TokenService(jwtSecret);
  await app.register(authentication, { tokens });
  await app.register(protection, { config });
  await app.register(consistency, { runtime });
  await app.register(idempotency, { db: runtime.db });
  const notifier = createNotifier(config, app.log);
  // The simulated billing service delivers its webhooks through the app's own HTTP pipeline.
  const billing = {
    webhookSecret: billingWebhookSecret(config, jwtSecret),
    deliver: injectWebhook(app),
  };
  app.decorate('runtime', runtime);
  const tickets = new TicketCodes(ticketKeysFrom(config.TICKET_KEYS, jwtSecret));
  const deps = { runtime, tokens, notifier, billing, tickets };
  // A projecting-only process (ROLE=project) answers health checks and metrics, nothing else.
  await app.register(config.ROLE === 'project' ? healthRoutes : apiRoutes, deps);

  const services =
    config.ROLE === 'serve'
      ? []
      : backgroundServices(runtime, app.log, { notifier, metrics, tickets });
  // Tests and the CLI expire due holds now with `app.holdExpiry?.tick()`.
  app.decorate(
    'holdExpiry',
    services.find((s) => s instanceof HoldExpiryScheduler),
  );
  app.addHook('onReady', async () => {
    await notifier.start();
    for (const service of services) await service.start();
  });
  app.addHook('onClose', async () => {
    for (const service of services.toReversed()) await service.stop();
    await notifier.close();
    if (!options.runtime) await runtime.close();
  });
  return app;
}
