import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { sql } from 'kysely';
import type { Db } from '../../projections/db/database.js';
import { ApiError } from '../api-error.js';
import { IdempotencyWrites, KEY_LIFETIME } from './idempotency-writes.js';

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
const SWEEP_EVERY_MS = 3_600_000;
const REPLAYED_HEADERS = ['content-type', 'x-position', 'etag', 'location'];

function requestHash(request: FastifyRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
    .digest('hex');
}

async function claim(
  writes: IdempotencyWrites,
  db: Db,
  request: FastifyRequest,
  reply: FastifyReply,
  key: string,
  scope: string,
) {
  const hash = requestHash(request);
  if (await writes.claim({ scope, key, hash })) {
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

async function remember(
  writes: IdempotencyWrites,
  db: Db,
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
) {
  const claim = request.idempotencyKey;
  if (!claim) return;
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
  await writes.answer({
    scope: claim.scope,
    key: claim.key,
    status: reply.statusCode,
    headers: JSON.stringify(headers),
    body,
  });
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
    // Claims and answers of concurrent requests are committed together.
    const writes = new IdempotencyWrites(db);
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
      return claim(writes, db, request, reply, key, request.userId);
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
      await remember(writes, db, request, reply, payload);
      return payload;
    });
  },
);
