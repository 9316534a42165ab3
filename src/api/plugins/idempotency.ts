import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { sql } from 'kysely';
import type { Db } from '../../projections/db/database.js';
import { ApiError } from '../api-error.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** POST commands that honour `Idempotency-Key`. */
    idempotent?: boolean;
  }
  interface FastifyRequest {
    idempotencyKey: { scope: string; key: string } | undefined;
  }
}

const KEY = /^[\x21-\x7e]{1,255}$/;
// A first attempt that has run this long without answering is taken to have died.
const IN_FLIGHT_TIMEOUT = '60 seconds';
// As Stripe's: a key protects retries for a day, then it is forgotten (and swept away).
const KEY_LIFETIME = '24 hours';
const SWEEP_EVERY_MS = 3_600_000;
const REPLAYED_HEADERS = ['content-type', 'x-position', 'etag', 'location'];

function requestHash(request: FastifyRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
    .digest('hex');
}

async function claim(
  db: Db,
  request: FastifyRequest,
  reply: FastifyReply,
  key: string,
  scope: string,
) {
  const hash = requestHash(request);
  const claimed = await db
    .insertInto('idempotency_keys')
    .values({ key, user_scope: scope, request_hash: hash, status: 'in_flight' })
    .onConflict((oc) =>
      oc
        .columns(['user_scope', 'key'])
        // An expired key starts afresh; a first attempt that died is taken over by its retry.
        .doUpdateSet({
          created_at: sql`now()`,
          request_hash: hash,
          status: 'in_flight',
          response_status: null,
          response_headers: null,
          response_body: null,
        })
        .where(
          sql<boolean>`idempotency_keys.created_at < now() - ${KEY_LIFETIME}::interval
            OR (idempotency_keys.status = 'in_flight' AND idempotency_keys.request_hash = ${hash}
            AND idempotency_keys.created_at < now() - ${IN_FLIGHT_TIMEOUT}::interval)`,
        ),
    )
    .returning('key')
    .executeTakeFirst();
  if (claimed) {
    request.idempotencyKey = { scope, key };
    return;
  }
  const first = await db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('user_scope', '=', scope)
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
  if (first.request_hash !== hash) {
    throw new ApiError(
      'idempotency_key_reused',
      'this Idempotency-Key was sent with another request',
    );
  }
  if (first.status === 'in_flight') {
    throw new ApiError(
      'idempotency_key_in_flight',
      'the first request with this key is still running',
      {
        'Retry-After': '1',
      },
    );
  }
  reply
    .code(first.response_status ?? 200)
    .headers({ ...(first.response_headers ?? {}), 'Idempotent-Replayed': 'true' });
  return reply.send(first.response_body === null ? undefined : JSON.stringify(first.response_body));
}

async function remember(db: Db, request: FastifyRequest, reply: FastifyReply, payload: unknown) {
  const claim = request.idempotencyKey;
  if (!claim) return;
  const where = db
    .updateTable('idempotency_keys')
    .where('user_scope', '=', claim.scope)
    .where('key', '=', claim.key);
  if (reply.statusCode >= 500) {
    // Nothing was decided for sure: let a retry run again.
    await db
      .deleteFrom('idempotency_keys')
      .where('user_scope', '=', claim.scope)
      .where('key', '=', claim.key)
      .execute();
    return;
  }
  const headers = Object.fromEntries(
    REPLAYED_HEADERS.flatMap((name) => {
      const value = reply.getHeader(name);
      return value === undefined ? [] : [[name, String(value)]];
    }),
  );
  const body = typeof payload === 'string' && payload !== '' ? payload : 'null';
  await where
    .set({
      status: 'done',
      response_status: reply.statusCode,
      response_headers: JSON.stringify(headers),
      response_body: body,
    })
    .execute();
}

/** Deletes the keys older than their lifetime (24 h); answers how many went. */
export async function sweepIdempotencyKeys(db: Db): Promise<number> {
  const result = await db
    .deleteFrom('idempotency_keys')
    .where(sql<boolean>`created_at < now() - ${KEY_LIFETIME}::interval`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * `Idempotency-Key` on POST commands of a signed-in caller: a retry with the same key and body
 * gets the first answer for 24 hours. Keys are the caller's own (another user's same key is
 * another key); an anonymous caller's key is ignored, since anyone could replay or block it.
 */
export const idempotency = fp(
  async (app: FastifyInstance, options: { db: Db; sweepEveryMs?: number }) => {
    const { db } = options;
    app.decorateRequest('idempotencyKey', undefined);
    app.addHook('preHandler', async (request, reply) => {
      const key = request.headers['idempotency-key'];
      if (request.method !== 'POST' || !request.routeOptions.config.idempotent || key === undefined)
        return;
      if (typeof key !== 'string' || !KEY.test(key)) {
        throw new ApiError(
          'validation_failed',
          'Idempotency-Key must be 1–255 visible ASCII characters',
        );
      }
      if (request.userId === undefined) return;
      return claim(db, request, reply, key, request.userId);
    });
    let sweeper: NodeJS.Timeout | undefined;
    app.addHook('onReady', async () => {
      const sweep = () =>
        sweepIdempotencyKeys(db).catch((error: unknown) =>
          app.log.warn({ err: error }, 'idempotency key sweep failed; next one retries'),
        );
      sweeper = setInterval(sweep, options.sweepEveryMs ?? SWEEP_EVERY_MS).unref();
    });
    app.addHook('onClose', async () => clearInterval(sweeper));
    app.addHook('onSend', async (request, reply, payload) => {
      await remember(db, request, reply, payload);
      return payload;
    });
  },
);
