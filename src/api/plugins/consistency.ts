import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { waitForPosition } from '../../projections/engine/checkpoints.js';
import { READ_MODELS_PROJECTOR } from '../../projections/read-models.js';
import type { Runtime } from '../../runtime.js';
import { ApiError } from '../api-error.js';
import type { ProjectorWatch } from './projector-watch.js';
import { sessionPositions } from './session-positions.js';

const WAIT_MS = 5_000;
// While waiting on this process's projector, how often the checkpoints are read all the same.
const CHECKPOINT_RECHECK_MS = 250;

export interface ConsistencyOptions {
  readonly runtime: Runtime;
  /** This process's projector, when it runs one: its commits end waits without polling. */
  readonly watch?: ProjectorWatch;
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
  const { runtime, watch } = options;
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
    // Most requests find the read models already there: one checkpoint read, no head lookup.
    if (wanted === undefined || (await readModelsReached(runtime, watch, wanted, 0))) return;
    const head = await runtime.store.headPosition();
    if (asked !== undefined && !atOrBefore(runtime, asked, head)) {
      throw new ApiError('invalid_position', 'X-Min-Position is beyond the last event');
    }
    // A remembered position past the head belongs to a database Redis outlived: not worth a wait.
    const target = latest(runtime, asked, atOrBefore(runtime, session, head) ? session : undefined);
    if (target !== undefined && !(await readModelsReached(runtime, watch, target, WAIT_MS))) {
      throw lagging();
    }
  });
});

/**
 * For a command that finds its target through a read model and missed it: waits until the read
 * models hold every event written so far, so a miss that remains is a real 404.
 */
export async function awaitReadModelsAtHead(runtime: Runtime): Promise<void> {
  const head = await runtime.store.headPosition();
  if (head !== undefined && !(await readModelsPassed(runtime, head, WAIT_MS))) throw lagging();
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

/**
 * Whether the read models have reached `position`, waiting up to `timeoutMs`. When this
 * process runs the active projector, its own commits answer without a query, and a wait ends at
 * the commit that reaches the position instead of at the next poll of the checkpoints.
 */
async function readModelsReached(
  runtime: Runtime,
  watch: ProjectorWatch | undefined,
  position: string,
  timeoutMs: number,
): Promise<boolean> {
  if (watch?.passed(position)) return true;
  const deadline = Date.now() + timeoutMs;
  for (let first = true; ; first = false) {
    // A projector that is tracked here has not reached it: its checkpoint would say the same.
    const ask = !(first && watch?.tracking);
    if (ask && (await readModelsPassed(runtime, position, 0))) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    if (!watch?.active) return readModelsPassed(runtime, position, left);
    // The checkpoints are read again now and then: the projector may have lost its lock.
    await watch.nextCommit(Math.min(left, CHECKPOINT_RECHECK_MS));
    if (watch.passed(position)) return true;
  }
}

function readModelsPassed(runtime: Runtime, position: string, timeoutMs: number) {
  return waitForPosition(runtime.db, runtime.store, [READ_MODELS_PROJECTOR], position, {
    timeoutMs,
  });
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
