import { sql } from 'kysely';
import { z } from 'zod';
import {
  describeFailure,
  readProjectionFailures,
} from '../../projections/engine/projection-failures.js';
import type { Runtime } from '../../runtime.js';
import type { Realtime } from '../realtime/realtime.js';
import type { TypedApp } from '../routes/typed-app.js';

const healthSchema = z.object({
  /** ok: all good; degraded: serving, but a part is affected (say which); unavailable: not serving. */
  status: z.enum(['ok', 'degraded', 'unavailable']),
  /** Each component checked: 'ok' or what is wrong with it. */
  checks: z.record(z.string(), z.string()),
  /** What a degraded or unavailable status means for users. */
  detail: z.string().optional(),
});

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Liveness (the process answers) and readiness (its stores answer). */
export async function healthRoutes(
  app: TypedApp,
  { runtime, realtime }: { runtime: Runtime; realtime?: Realtime },
) {
  app.get(
    '/health/live',
    { schema: { tags: ['operations'], response: { 200: healthSchema } } },
    async () => ({
      status: 'ok' as const,
      checks: {},
    }),
  );

  app.get(
    '/health/ready',
    { schema: { tags: ['operations'], response: { 200: healthSchema, 503: healthSchema } } },
    async (_request, reply) => {
      const [readModels, eventStore, projections, notificationFanOut] = await Promise.all([
        sql`select 1`.execute(runtime.db).then(() => 'ok', message),
        runtime.store.headPosition().then(() => 'ok', message),
        // A projection stuck on an event serves stale reads: not ready, and say which and why.
        readProjectionFailures(runtime.db).then(
          (failures) => (failures.length === 0 ? 'ok' : failures.map(describeFailure).join('; ')),
          message,
        ),
        realtime?.bus.check().catch(message),
      ]);
      const checks: Record<string, string> = { readModels, eventStore, projections };
      if (notificationFanOut !== undefined) checks.notificationFanOut = notificationFanOut;
      if (readModels !== 'ok' || eventStore !== 'ok') {
        return reply.code(503).send({
          status: 'unavailable',
          checks,
          detail: 'a store does not answer: commands and queries fail',
        });
      }
      if (projections !== 'ok') {
        return reply.code(503).send({
          status: 'unavailable',
          checks,
          detail: 'a projection is stuck on an event: its reads are stale',
        });
      }
      // Without Redis, commands and queries work and the inbox keeps every notification: only
      // live delivery to WebSockets on other nodes waits, so the node stays in the balancer.
      if (notificationFanOut !== undefined && notificationFanOut !== 'ok') {
        return reply.code(200).send({
          status: 'degraded',
          checks,
          detail:
            'notification fan-out (Redis) is affected: live WebSocket notifications are delayed (the inbox keeps them) and shared rate limits are not enforced; bookings and queries work',
        });
      }
      return reply.code(200).send({ status: 'ok', checks });
    },
  );
}
