import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { CLIENT_ROUTE_SEGMENTS } from './client-routes.js';
import { WEB_CONTENT_SECURITY_POLICY } from './content-security-policy.js';

/** Where `npm run build:web` (run by `npm start` and by the test setup) writes the client. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

// Vite names bundled files by content hash: a changed file is a new URL, so cache forever.
const IMMUTABLE = 'public, max-age=31536000, immutable';
// index.html and unhashed files (favicon): revalidate every time so a deploy shows at once.
const REVALIDATE = 'no-cache';

function cacheControlFor(path: string): string {
  return /[\\/]assets[\\/]/.test(path) ? IMMUTABLE : REVALIDATE;
}

const clientPaths = ['/', ...CLIENT_ROUTE_SEGMENTS.flatMap((s) => [`/${s}`, `/${s}/*`])];

export interface WebRoutesOptions {
  /** The built client's folder (default: web/dist of this checkout). */
  readonly root?: string;
}

/**
 * The web client at `/`: its built files (pre-compressed, with caching headers), index.html for
 * the client's own routes, and a strict CSP on all of it. Encapsulated: the CSP hook applies to
 * these routes only (the API and /docs set their own).
 */
export async function webRoutes(app: FastifyInstance, options: WebRoutesOptions = {}) {
  const root = options.root ?? DEFAULT_WEB_ROOT;
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-security-policy', WEB_CONTENT_SECURITY_POLICY);
    return payload;
  });

  if (!existsSync(`${root}/index.html`)) {
    // Started without the build (e.g. `tsx src/server.ts`): say how to get the client.
    const notBuilt = async (_request: unknown, reply: FastifyReply) =>
      reply
        .code(503)
        .header('cache-control', 'no-store')
        .type('text/plain; charset=utf-8')
        .send('The web client is not built: run `npm run build:web` (npm start does it).\n');
    for (const path of clientPaths) app.get(path, { schema: { hide: true } }, notBuilt);
    return;
  }

  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    // One route per built file, so an unknown /assets/… path is a plain 404, never index.html.
    wildcard: false,
    index: false,
    // The build writes .br and .gz beside each file; the best one the client accepts is sent.
    preCompressed: true,
    cacheControl: false,
    setHeaders: (response, path) => {
      response.setHeader('cache-control', cacheControlFor(path));
    },
    schemaHide: true,
  });

  const sendIndex = async (_request: unknown, reply: FastifyReply) =>
    reply.header('cache-control', REVALIDATE).sendFile('index.html');
  for (const path of clientPaths) app.get(path, { schema: { hide: true } }, sendIndex);
}
