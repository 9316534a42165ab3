import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../../config.js';
import { createRealtime, type Realtime } from './realtime.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** This app's realtime bus and socket hub (tests count its sockets). */
    realtime: Realtime;
  }
}

/**
 * The realtime bus and socket hub as a plugin. Registered before the background work, so the
 * bus is listening before the projector publishes and closes only after it has stopped.
 */
export const realtimePlugin = fp(
  async (app: FastifyInstance, { config }: { config: Config }) => {
    const realtime = createRealtime(config, app.log);
    app.decorate('realtime', realtime);
    app.addHook('onReady', () => realtime.bus.start());
    app.addHook('onClose', async () => {
      realtime.sockets.close();
      await realtime.bus.close();
    });
  },
  { name: 'cowatch-realtime' },
);
