import { sql } from 'kysely';
import { z } from 'zod';
import { describeFailure, readProjectionFailures } from '../../projections/projection-failures.js';
import type { Runtime } from '../../runtime.js';
import type { TypedApp } from './typed-app.js';

const healthSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  checks: z.record(z.string(), z.string()),
});

/** Liveness (the process answers) and readiness (its stores answer). */
export async function healthRoutes(app: TypedApp, { runtime }: { runtime: Runtime }) {
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
      const checks: Record<string, string> = {};
      await sql`select 1`.execute(runtime.db).then(
        () => (checks.readModels = 'ok'),
        (error: Error) => (checks.readModels = error.message),
      );
      await runtime.store.headPosition().then(
        () => (checks.eventStore = 'ok'),
        (error: Error) => (checks.eventStore = error.message),
      );
      // A projection stuck on an event serves stale reads: not ready, and say which and why.
      await readProjectionFailures(runtime.db).then(
        (failures) =>
          (checks.projections =
            failures.length === 0 ? 'ok' : failures.map(describeFailure).join('; ')),
        (error: Error) => (checks.projections = error.message),
      );
      const ok = Object.values(checks).every((c) => c === 'ok');
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks });
    },
  );
}
