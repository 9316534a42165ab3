import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Runtime } from '../../runtime.js';
import { ApiError } from '../api-error.js';
import type { ReadModelsPosition } from './read-models-position.js';
import { sessionPositions } from './session-positions.js';

const WAIT_MS = 5_000;

export interface ConsistencyOptions {
  readonly runtime: Runtime;
  /** Where the read models stand (shared with the routes that wait for them too). */
  readonly readModels: ReadModelsPosition;
}

/** Sets `X-Position` on a command's response: the position to wait for before reading. */
export function setPosition(reply: FastifyReply, position: string | undefined): void {
  if (position !== undefined) reply.header('X-Position', position);
}

const READS = new Set(['GET', 'HEAD']);

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * A command decided on the event store alone (no read model on its path): the store already
     * holds every write the caller was answered, so it sees them without waiting for the read
     * models to catch up with the caller's last write.
     */
    decidedOnLog?: boolean;
  }
  interface FastifyRequest {
    /** The position this request's reads must reflect (its own last write, X-Min-Position). */
    readPosition: string | undefined;
  }
}

/**
 * Read-your-writes: a read with `X-Min-Position` is answered only once the read models have
 * passed that position (or 503 projection_lagging after five seconds). Session consistency:
 * the server remembers each signed-in user's last write position (X-Position of a command's
 * answer) and that user's later reads and commands wait for it the same way, headers or not.
 */
export const consistency = fp(async (app: FastifyInstance, options: ConsistencyOptions) => {
  const { runtime, readModels } = options;
  const sessions = sessionPositions(runtime.config.REDIS_URL, app.log);
  app.decorateRequest('readPosition', undefined);
  app.addHook('onClose', () => sessions.close());
  app.addHook('onSend', async (request, reply) => {
    const position = reply.getHeader('x-position');
    if (request.userId && typeof position === 'string' && reply.statusCode < 400) {
      await sessions.remember(request.userId, position);
    }
  });
  app.addHook('preHandler', async (request) => {
    if (!READS.has(request.method) && request.routeOptions.config.decidedOnLog) return;
    const asked = minPositionOf(request, runtime);
    const remembered = request.userId ? await sessions.lastOf(request.userId) : undefined;
    const session =
      remembered !== undefined && isPosition(runtime, remembered) ? remembered : undefined;
    const wanted = latest(runtime, asked, session);
    request.readPosition = wanted;
    // Most requests find the read models already there: no head lookup, and no query at all
    // where this process runs the active projector.
    if (wanted === undefined || (await readModels.reached(wanted, 0))) return;
    const head = await runtime.store.headPosition();
    if (asked !== undefined && !atOrBefore(runtime, asked, head)) {
      throw new ApiError('invalid_position', 'X-Min-Position is beyond the last event');
    }
    // A remembered position past the head belongs to a database Redis outlived: not worth a wait.
    const target = latest(runtime, asked, atOrBefore(runtime, session, head) ? session : undefined);
    if (target !== undefined && !(await readModels.reached(target, WAIT_MS))) {
      throw lagging();
    }
  });
});

/**
 * For a command that finds its target through a read model and missed it: waits until the read
 * models hold every event written so far, so a miss that remains is a real 404.
 */
export async function awaitReadModelsAtHead(
  runtime: Runtime,
  readModels: ReadModelsPosition,
): Promise<void> {
  const head = await runtime.store.headPosition();
  if (head !== undefined && !(await readModels.reached(head, WAIT_MS))) throw lagging();
}

/** A read's valid `X-Min-Position`; commands and webhooks ignore the header. */
function minPositionOf(request: FastifyRequest, runtime: Runtime): string | undefined {
  if (!READS.has(request.method)) return undefined;
  const header = request.headers['x-min-position'];
  if (typeof header !== 'string' || header === '') return undefined;
  if (!isPosition(runtime, header)) {
    throw new ApiError('invalid_position', 'X-Min-Position is not a position this server issued');
  }
  return header;
}

function lagging(): ApiError {
  return new ApiError('projection_lagging', 'the read models have not caught up yet', {
    'Retry-After': '1',
  });
}

function latest(runtime: Runtime, a: string | undefined, b: string | undefined) {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return runtime.store.comparePositions(a, b) >= 0 ? a : b;
}

function atOrBefore(runtime: Runtime, position: string | undefined, head: string | undefined) {
  if (position === undefined) return false;
  return head !== undefined && runtime.store.comparePositions(position, head) <= 0;
}

function isPosition(runtime: Runtime, position: string): boolean {
  try {
    runtime.store.comparePositions(position, position);
    return true;
  } catch {
    return false;
  }
}
