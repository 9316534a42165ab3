import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { waitForPosition } from '../../projections/checkpoints.js';
import { READ_MODELS_PROJECTOR } from '../../projections/read-models.js';
import type { Runtime } from '../../runtime.js';
import { ApiError } from '../api-error.js';

const WAIT_MS = 5_000;

/** Sets `X-Position` on a command's response: the position to wait for before reading. */
export function setPosition(reply: FastifyReply, position: string | undefined): void {
  if (position !== undefined) reply.header('X-Position', position);
}

/**
 * Read-your-writes: a request (usually a GET) with `X-Min-Position` is answered only once the read models have
 * passed that position (or 503 projection_lagging after five seconds).
 */
export const consistency = fp(async (app: FastifyInstance, { runtime }: { runtime: Runtime }) => {
  app.addHook('preHandler', async (request) => {
    const header = request.headers['x-min-position'];
    if (typeof header !== 'string' || header === '') return;
    try {
      runtime.store.comparePositions(header, header);
    } catch {
      throw new ApiError('invalid_position', 'X-Min-Position is not a position this server issued');
    }
    const passed = await waitForPosition(
      runtime.db,
      runtime.store,
      [READ_MODELS_PROJECTOR],
      header,
      {
        timeoutMs: WAIT_MS,
      },
    );
    if (!passed) {
      throw new ApiError('projection_lagging', 'the read models have not caught up yet', {
        'Retry-After': '1',
      });
    }
  });
});
