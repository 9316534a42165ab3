import type { FastifyReply, FastifyRequest } from 'fastify';
import { type TrackingRow, utcDay } from '../../projections/tracking/tracking-rows.js';
import type { RouteDeps } from '../routes/index.js';
import type { TypedApp } from '../routes/typed-app.js';
import type { GroupCommit } from './group-commit.js';
import { type Arrival, batchEvents, singleEvent } from './tracking-ingest.js';
import { TRACKING_LIMITS, trackResultSchema } from './tracking-schemas.js';

const tags = ['tracking'];
const errors = ['tracking_unavailable'] as const;

/** `POST /api/track` and `/api/track/batch`: validated, committed by the group commit, 202. */
export async function trackingRoutes(
  app: TypedApp,
  { runtime, tracking }: RouteDeps & { readonly tracking: GroupCommit },
) {
  // sendBeacon posts `text/plain`; JSON is parsed by the handler either way, so that errors
  // name the failing event (`events[i]`) and one oversized event is told from a bad one.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser(
    ['application/json', 'text/plain'],
    { parseAs: 'string' },
    (_request, body, done) => done(null, body),
  );

  const arrival = (request: FastifyRequest): Arrival => {
    const receivedAt = runtime.now();
    return { receivedAt, day: utcDay(receivedAt), userId: request.userId };
  };
  const store = async (reply: FastifyReply, rows: readonly TrackingRow[]) => {
    const outcome = await tracking.submit(rows);
    return reply.code(202).send(outcome);
  };

  app.post(
    '/api/track',
    {
      bodyLimit: TRACKING_LIMITS.eventBytes + 1024,
      config: { openapi: { errors: [...errors] } },
      schema: {
        tags,
        description:
          'One event plus `sentAt` (JSON or text/plain). 202 once the event is committed.',
        response: { 202: trackResultSchema },
      },
    },
    async (request, reply) => store(reply, singleEvent(request.body, arrival(request))),
  );

  app.post(
    '/api/track/batch',
    {
      bodyLimit: TRACKING_LIMITS.batchBytes,
      config: { openapi: { errors: [...errors] } },
      schema: {
        tags,
        description:
          '`{ sentAt, events: [≤ 500] }`, ≤ 500 KB, each event ≤ 32 KB (JSON or text/plain). ' +
          '202 once every event is committed; errors name the failing index `events[i]`.',
        response: { 202: trackResultSchema },
      },
    },
    async (request, reply) => store(reply, batchEvents(request.body, arrival(request))),
  );
}
