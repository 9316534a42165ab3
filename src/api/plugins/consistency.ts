import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { waitForPosition } from '../../projections/checkpoints.js';
import { READ_MODELS_PROJECTOR } from '../../projections/read-models.js';
import type { Runtime } from '../../runtime.js';
import { ApiError } from '../api-error.js';
import { sessionPositions } from './session-positions.js';

const WAIT_MS = 5_000;

/** Sets `X-Position` on a command's response: the position to wait for before reading. */
export function setPosition(reply: FastifyReply, position: string | undefined): void {
  if (position !== undefined) reply.header('X-Position', position);
}

const READS = new Set(['GET', 'HEAD']);

/**
 * Read-your-writes: a read with `X-Min-Position` is answered only once the read models have
 * passed that position (or 503 projection_lagging after five seconds). Session consistency:
 * the server remembers each signed-in user's last write position (X-Position of a command's
 * answer) and that user's later reads and commands wait for it the same way, headers or not.
 */
export const consistency = fp(async (app: FastifyInstance, { runtime }: { runtime: Runtime }) => {
  const sessions = sessionPositions(runtime.config.REDIS_URL, app.log);
  app.addHook('onClose', () => sessions.close());
  app.addHook('onSend', async (request, reply) => {
    const position = reply.getHeader('x-position');
    if (request.userId && typeof position === 'string' && reply.statusCode < 400) {
      await sessions.remember(request.userId, position);
    }
  });
  app.addHook('preHandler', async (request) => {
    const header = READS.has(request.method) ? request.headers['x-min-position'] : undefined;
    let wanted: string | undefined;
    if (typeof header === 'string' && header !== '') {
      try {
        runtime.store.comparePositions(header, header);
      } catch {
        throw new ApiError(
          'invalid_position',
          'X-Min-Position is not a position this server issued',
        );
      }
      wanted = header;
    }
    const session = request.userId ? await sessions.lastOf(request.userId) : undefined;
    if (session !== undefined && isPosition(runtime, session)) {
      if (wanted === undefined || runtime.store.comparePositions(session, wanted) > 0) {
        wanted = session;
      }
    }
    if (wanted === undefined) return;
    const target = wanted;
    const passed = await waitForPosition(
      runtime.db,
      runtime.store,
      [READ_MODELS_PROJECTOR],
      target,
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

function isPosition(runtime: Runtime, position: string): boolean {
  try {
    runtime.store.comparePositions(position, position);
    return true;
  } catch {
    return false;
  }
}
