import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import type { CommandContext } from '../../commands/command-context.js';
import { closeRoom } from '../../commands/room-commands.js';
import type { CloseReason, RoomEvent } from '../../domain/room/index.js';
import type { Db } from '../db/database.js';
import { withProjectorLock } from '../engine/advisory-lock.js';
import { PollingService } from '../engine/background-service.js';

/** Names the advisory lock that keeps one active room closer per database. */
export const ROOM_CLOSER_LOCK = 'room-closer';

export interface RoomCloserOptions {
  readonly db: Db;
  readonly commands: CommandContext;
  readonly pollMs: number;
  /** An open room nobody has been online in for this long closes. */
  readonly emptyMs: number;
  readonly log: FastifyBaseLogger;
  /** Tells the room's sockets (the realtime bus); absent: nobody is told live. */
  readonly publish?: (roomId: string, events: readonly RoomEvent[]) => void | Promise<void>;
}

const PAGE = 200;

/**
 * Closes rooms whose film has played to its end and rooms nobody has been online in for
 * `emptyMs` (10 minutes). Works from the read models (`rooms.ends_at`, `room_presence`), so a
 * restart picks up every room that fell due meanwhile; the decider checks the timeline again,
 * so a room whose read model lags is closed only once it has really ended.
 */
export class RoomCloser extends PollingService {
  readonly #options: RoomCloserOptions;

  constructor(options: RoomCloserOptions) {
    super({ pollMs: options.pollMs, log: options.log, what: 'room closer' });
    this.#options = options;
  }

  /** Closes every due room now; resolves how many this call closed. */
  async tick(): Promise<number> {
    let closed = 0;
    await withProjectorLock(this.#options.db, ROOM_CLOSER_LOCK, async () => {
      closed = await this.#closeDue();
    });
    return closed;
  }

  async #closeDue(): Promise<number> {
    const { db, commands, emptyMs } = this.#options;
    const now = commands.now();
    const ended = await db
      .selectFrom('rooms')
      .select('id')
      .where('status', '=', sql.lit('open'))
      .where('ends_at', '<=', now)
      .limit(PAGE)
      .execute();
    const quietSince = new Date(now.getTime() - emptyMs);
    const empty = await db
      .selectFrom('rooms')
      .leftJoin('room_presence', 'room_presence.room_id', 'rooms.id')
      .select('rooms.id')
      .where('rooms.status', '=', sql.lit('open'))
      .where(sql<Date>`coalesce(room_presence.last_online_at, rooms.created_at)`, '<=', quietSince)
      .limit(PAGE)
      .execute();
    const outcomes = await Promise.all([
      ...ended.map((room) => this.#close(room.id, 'ended')),
      ...empty.map((room) => this.#close(room.id, 'empty')),
    ]);
    return outcomes.filter(Boolean).length;
  }

  async #close(roomId: string, reason: CloseReason): Promise<boolean> {
    const { commands, log, publish } = this.#options;
    const metadata = { correlationId: `room-closer:${roomId}`, commandId: `close-room:${roomId}` };
    try {
      const result = await closeRoom(commands, { roomId, userId: null, reason }, metadata);
      if (result.events.length === 0) return false;
      log.info({ roomId, reason }, 'room closed by itself');
      await publish?.(roomId, result.events);
      return true;
    } catch (error) {
      log.warn({ err: error, roomId }, 'could not close room; will retry');
      return false;
    }
  }
}
