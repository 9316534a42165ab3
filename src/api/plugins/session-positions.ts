import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';

/** Each signed-in user's last write position, so their next requests can wait for it. */
export interface SessionPositions {
  remember(userId: string, position: string): Promise<void>;
  lastOf(userId: string): Promise<string | undefined>;
  close(): Promise<void>;
}

// A session position older than this is long projected: no need to keep it.
const TTL_SECONDS = 3_600;
const MAX_LOCAL = 100_000;

/**
 * In this process, and through Redis when configured so every API node knows it. Redis being
 * away never fails a request: the process's own memory answers meanwhile.
 */
export function sessionPositions(
  redisUrl: string | undefined,
  log: FastifyBaseLogger,
): SessionPositions {
  const local = new Map<string, string>();
  const redis =
    redisUrl === undefined
      ? undefined
      : new Redis(redisUrl, {
          lazyConnect: false,
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          connectTimeout: 2_000,
          retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
        });
  redis?.on('error', () => undefined);
  const key = (userId: string) => `cowatch:session-position:${userId}`;
  return {
    async remember(userId, position) {
      // Oldest first out: a Map keeps insertion order, so re-inserting moves a user last.
      local.delete(userId);
      local.set(userId, position);
      if (local.size > MAX_LOCAL) local.delete(local.keys().next().value as string);
      await redis?.set(key(userId), position, 'EX', TTL_SECONDS).catch((error: unknown) => {
        log.warn({ err: error }, 'session position not shared (Redis unavailable)');
      });
    },
    async lastOf(userId) {
      const shared = await redis?.get(key(userId)).catch(() => null);
      return shared ?? local.get(userId);
    },
    async close() {
      redis?.disconnect();
    },
  };
}
