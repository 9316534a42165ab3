import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import type { Config } from '../../config.js';

/** Requests per minute, by kind; sized so that a real person never meets them. */
// Tracking: a browser flushes every 5 s or 20 events, so a busy page sends a few a second.
const LIMITS = { login: 10, register: 20, command: 120, read: 1200, track: 600 } as const;
type Kind = keyof typeof LIMITS;

const UNLIMITED = ['/health/', '/metrics', '/docs', '/openapi.json', '/api/webhooks/'];

function kindOf(request: FastifyRequest): Kind {
  const route = request.routeOptions.url ?? '';
  if (route === '/api/auth/login') return 'login';
  if (route === '/api/auth/register') return 'register';
  if (route.startsWith('/api/track')) return 'track';
  return request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'command';
}

/** Per account where there is one (the email being logged into, or the caller), else per address. */
function keyOf(request: FastifyRequest): string {
  const kind = kindOf(request);
  if (kind === 'login') {
    const body = request.body as { email?: unknown } | undefined;
    if (typeof body?.email === 'string') return `login:${body.email.trim().toLowerCase()}`;
  }
  return `${kind}:${request.userId ?? request.ip}`;
}

/** Security headers and rate limits (off with RATE_LIMIT=off, e.g. for load tests). */
export const protection = fp(async (app: FastifyInstance, { config }: { config: Config }) => {
  // The API serves JSON; the CSP of the docs pages comes from swagger-ui itself.
  await app.register(helmet, {
    contentSecurityPolicy: false,
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
  if (config.RATE_LIMIT === 'off') return;
  const redis = config.REDIS_URL
    ? new Redis(config.REDIS_URL, {
        connectTimeout: 500,
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        lazyConnect: true,
      })
    : undefined;
  redis?.on('error', () => undefined);
  await redis?.connect().catch(() => undefined);
  await app.register(rateLimit, {
    global: true,
    // After authentication and body parsing, so limits can be per account.
    hook: 'preHandler',
    timeWindow: 60_000,
    max: async (request) => LIMITS[kindOf(request)],
    keyGenerator: keyOf,
    allowList: (request) => UNLIMITED.some((prefix) => request.url.startsWith(prefix)),
    ...(redis ? { redis, nameSpace: 'cowatch:rate:' } : {}),
    // A Redis outage must not turn every request away.
    skipOnError: true,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      code: 'rate_limited',
      message: `too many requests: at most ${context.max} a minute; retry in ${context.after}`,
    }),
  });
  app.addHook('onClose', async () => {
    redis?.disconnect();
  });
});
