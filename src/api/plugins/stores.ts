import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Runtime } from '../../runtime.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The stores and command handlers this app runs on (tests issue commands through it). */
    runtime: Runtime;
  }
}

/**
 * The stores as a plugin. Registered first, so its close hook runs last (Fastify closes
 * plugins in reverse order): everything that writes on close (tracking, background work) has
 * finished before the stores shut. Stores the caller handed in stay open: the caller owns them.
 */
export const stores = fp(
  async (app: FastifyInstance, { runtime, owned }: { runtime: Runtime; owned: boolean }) => {
    app.decorate('runtime', runtime);
    if (owned) app.addHook('onClose', () => runtime.close());
  },
  { name: 'cowatch-stores' },
);
