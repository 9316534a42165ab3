import type { FastifyInstance, FastifySchema } from 'fastify';
import fp from 'fastify-plugin';

/** A route as it was registered: one entry per method. */
export interface RouteEntry {
  readonly method: string;
  readonly url: string;
  readonly schema: FastifySchema | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered after this plugin (the fuzz test walks it, so none is missed). */
    readonly routeTable: readonly RouteEntry[];
  }
}

/** Records each route as it is added; Fastify offers no list of its routes. */
export const routeTable = fp(async (app: FastifyInstance) => {
  const routes: RouteEntry[] = [];
  app.decorate('routeTable', routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      routes.push({ method, url: route.url, schema: route.schema });
    }
  });
});
