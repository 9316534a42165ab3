import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import type { MemberPresence } from '../room-views.js';

/** Online and ready flags of a room's members, by user. */
export type RoomPresence = ReadonlyMap<string, MemberPresence>;

/**
 * Who is online in which room across every API node, for REST (the sockets hear presence over
 * the room's bus topic instead). Each node writes the members it holds sockets for; a node's
 * entry lapses after `ttlMs` unless refreshed, so a node that died stops showing its members.
 */
export interface PresenceBoard {
  /** This node's members in a room now; empty when it holds no socket of the room any more. */
  put(roomId: string, members: RoomPresence): Promise<void>;
  /** Each room's members as every node reports them (online or ready on any node wins). */
  read(roomIds: readonly string[]): Promise<Map<string, RoomPresence>>;
  close(): Promise<void>;
}

export const presenceKey = (roomId: string) => `cowatch:room-presence:${roomId}`;

/** One node's entry for one room: until when it holds, and its members (id, ready). */
interface NodeEntry {
  readonly until: number;
  readonly members: readonly (readonly [string, boolean])[];
}

function merge(into: Map<string, MemberPresence>, entry: NodeEntry, now: number): void {
  if (entry.until < now) return;
  for (const [userId, ready] of entry.members) {
    const known = into.get(userId);
    into.set(userId, { online: true, ready: ready || (known?.ready ?? false) });
  }
}

function entryOf(members: RoomPresence, until: number): NodeEntry {
  const list: [string, boolean][] = [];
  for (const [userId, p] of members) if (p.online) list.push([userId, p.ready]);
  return { until, members: list };
}

function parseEntry(raw: string): NodeEntry | undefined {
  try {
    const value = JSON.parse(raw) as Partial<NodeEntry>;
    if (typeof value.until !== 'number' || !Array.isArray(value.members)) return undefined;
    return value as NodeEntry;
  } catch {
    return undefined;
  }
}

/**
 * Through Redis when configured (a hash per room, a field per node), else in this process (one
 * node knows everything). Redis being away never fails a request: this node's own members
 * answer meanwhile.
 */
export function presenceBoard(
  redisUrl: string | undefined,
  node: string,
  ttlMs: number,
  log: FastifyBaseLogger,
): PresenceBoard {
  const local = new Map<string, NodeEntry>();
  const redis =
    redisUrl === undefined
      ? undefined
      : new Redis(redisUrl, {
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          connectTimeout: 2_000,
          retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
        });
  redis?.on('error', () => undefined);
  const localRead = (roomIds: readonly string[]) => {
    const now = Date.now();
    const result = new Map<string, RoomPresence>();
    for (const roomId of roomIds) {
      const view = new Map<string, MemberPresence>();
      const entry = local.get(roomId);
      if (entry) merge(view, entry, now);
      result.set(roomId, view);
    }
    return result;
  };
  return {
    async put(roomId, members) {
      const entry = entryOf(members, Date.now() + ttlMs);
      if (entry.members.length === 0) local.delete(roomId);
      else local.set(roomId, entry);
      if (!redis) return;
      try {
        if (entry.members.length === 0) await redis.hdel(presenceKey(roomId), node);
        else {
          await redis
            .multi()
            .hset(presenceKey(roomId), node, JSON.stringify(entry))
            .pexpire(presenceKey(roomId), ttlMs)
            .exec();
        }
      } catch (error) {
        log.warn({ err: error, roomId }, 'room presence not shared (Redis unavailable)');
      }
    },
    async read(roomIds) {
      if (!redis || roomIds.length === 0) return localRead(roomIds);
      try {
        const pipeline = redis.pipeline();
        for (const roomId of roomIds) pipeline.hgetall(presenceKey(roomId));
        const replies = (await pipeline.exec()) ?? [];
        const now = Date.now();
        const result = new Map<string, RoomPresence>();
        roomIds.forEach((roomId, i) => {
          const [error, fields] = replies[i] ?? [new Error('no reply'), null];
          if (error) throw error;
          const view = new Map<string, MemberPresence>();
          for (const raw of Object.values((fields ?? {}) as Record<string, string>)) {
            const entry = parseEntry(raw);
            if (entry) merge(view, entry, now);
          }
          result.set(roomId, view);
        });
        return result;
      } catch (error) {
        log.warn({ err: error }, 'room presence of other nodes unavailable (Redis)');
        return localRead(roomIds);
      }
    },
    async close() {
      if (redis) {
        // Our members leave with us rather than lingering until the entries lapse.
        const rooms = [...local.keys()];
        if (rooms.length > 0 && redis.status === 'ready') {
          const pipeline = redis.pipeline();
          for (const roomId of rooms) pipeline.hdel(presenceKey(roomId), node);
          await pipeline.exec().catch(() => undefined);
        }
        redis.disconnect();
      }
      local.clear();
    },
  };
}
