import { type Insertable, sql } from 'kysely';
import {
  fromPlaybackRecord,
  type PlaybackRecord,
  type RoomChatEvent,
  type RoomEvent,
  roomChatDecider,
  roomDecider,
} from '../../../domain/room/index.js';
import type { Database, Tx } from '../../db/database.js';
import { anyUuid, chunks, uuidKey } from '../../engine/batch-sql.js';
import type { Projection } from '../../engine/projection.js';

/**
 * `rooms`, `room_members`, `room_invites` and `room_messages`. Every write is an upsert, an
 * insert that ignores what exists, or sets values the event carries whole, so a replayed event
 * changes nothing twice and a rebuild from the log gives the same tables.
 */
export const roomsProjection: Projection = {
  name: 'rooms',
  /**
   * Each event in order, its own statements, but playback changes, most of a busy feed (every
   * play, pause and seek of every room), go in two statements per run of them: each sets values
   * its event carries whole, so only a room's last one in the run counts.
   */
  async applyBatch(tx, events) {
    const playbacks = new Map<string, PlaybackRecord>();
    // Joins and chat messages go by runs too: they touch neither the playback columns nor each
    // other's tables, and a join reads only the host, which nothing but the opening sets.
    const run = new JoinsAndMessages();
    for (const event of events) {
      if (roomDecider.isEvent(event) && event.type === 'PlaybackChanged') {
        playbacks.set(event.data.roomId, event.data.playback);
        continue;
      }
      if (roomDecider.isEvent(event) && event.type === 'RoomJoined') {
        run.joins.push(event.data);
        continue;
      }
      if (roomChatDecider.isEvent(event)) {
        run.messages.push(event.data);
        continue;
      }
      if (!roomDecider.isEvent(event)) continue;
      // Anything else keeps its place in the order: the changes before it are written first.
      await setPlaybacks(tx, playbacks);
      playbacks.clear();
      await run.write(tx);
      await applyRoom(tx, event);
    }
    await setPlaybacks(tx, playbacks);
    await run.write(tx);
  },
};

type Joined = Extract<RoomEvent, { type: 'RoomJoined' }>['data'];
type Posted = RoomChatEvent['data'];
type MemberRow = Insertable<Database['room_members']>;

/** A run of joins and chat messages, written as one read and one insert per table. */
class JoinsAndMessages {
  readonly joins: Joined[] = [];
  readonly messages: Posted[] = [];

  async write(tx: Tx): Promise<void> {
    await this.#writeJoins(tx);
    await this.#writeMessages(tx);
  }

  async #writeJoins(tx: Tx): Promise<void> {
    if (this.joins.length === 0) return;
    const rooms = await tx
      .selectFrom('rooms')
      .select(['id', 'host_id'])
      .where('id', '=', anyUuid(this.joins.map((join) => join.roomId)))
      .execute();
    const hosts = new Map(rooms.map((room) => [uuidKey(room.id), uuidKey(room.host_id)]));
    // The first join of a member counts, as with one insert ignoring what exists per event.
    const members = new Map<string, MemberRow>();
    for (const { roomId, userId, joinedAt } of this.joins) {
      const key = `${uuidKey(roomId)} ${uuidKey(userId)}`;
      if (members.has(key)) continue;
      const role = hosts.get(uuidKey(roomId)) === uuidKey(userId) ? 'host' : 'member';
      members.set(key, { room_id: roomId, user_id: userId, role, joined_at: joinedAt });
    }
    this.joins.length = 0;
    for (const rows of chunks([...members.values()])) {
      await tx
        .insertInto('room_members')
        .values(rows)
        .onConflict((oc) => oc.columns(['room_id', 'user_id']).doNothing())
        .execute();
    }
  }

  async #writeMessages(tx: Tx): Promise<void> {
    // The first message of an id counts, as with one insert ignoring what exists per event.
    const rows = new Map<string, Insertable<Database['room_messages']>>();
    for (const d of this.messages) {
      const id = uuidKey(d.messageId);
      if (rows.has(id)) continue;
      rows.set(id, {
        id: d.messageId,
        room_id: d.roomId,
        user_id: d.userId,
        text: d.text,
        media_position: d.mediaPosition,
        sent_at: d.sentAt,
      });
    }
    this.messages.length = 0;
    for (const chunk of chunks([...rows.values()])) {
      await tx
        .insertInto('room_messages')
        .values(chunk)
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    }
  }
}

/** Writes each room's latest playback and when it ends, in one read and one update. */
async function setPlaybacks(tx: Tx, playbacks: ReadonlyMap<string, PlaybackRecord>) {
  if (playbacks.size === 0) return;
  const rooms = await tx
    .selectFrom('rooms')
    .select(['id', 'duration_seconds'])
    .where('id', '=', anyUuid(playbacks.keys()))
    .execute();
  if (rooms.length === 0) return;
  const ids = rooms.map((room) => room.id);
  const records = rooms.map((room) => JSON.stringify(playbacks.get(room.id)));
  const ends = rooms.map((room) => {
    const playback = playbacks.get(room.id);
    return playback ? endsAt(playback, room.duration_seconds) : null;
  });
  // The builder names the table, so a replay's scratch schema (withSchema) is where it writes.
  const changes = sql<{ id: string; playback: string; ends_at: string | null }>`unnest(
    ${ids}::uuid[], ${records}::text[], ${ends}::text[])`.as<'v'>(sql`v(id, playback, ends_at)`);
  await tx
    .updateTable('rooms')
    .from(changes)
    .set((eb) => ({
      playback: sql`${eb.ref('v.playback')}::jsonb`,
      ends_at: sql`${eb.ref('v.ends_at')}::timestamptz`,
    }))
    .whereRef('rooms.id', '=', 'v.id')
    .execute();
}

/** When a playing timeline reaches the end of the film; null unless playing. */
export function endsAt(record: PlaybackRecord, durationSeconds: number): string | null {
  const playback = fromPlaybackRecord(record);
  if (playback.status !== 'playing') return null;
  const remaining = Math.max(0, durationSeconds - playback.position) / playback.rate;
  return new Date(playback.at + remaining * 1000).toISOString();
}

async function applyRoom(tx: Tx, event: RoomEvent): Promise<void> {
  switch (event.type) {
    case 'RoomOpened': {
      const d = event.data;
      await tx
        .insertInto('rooms')
        .values({
          id: d.roomId,
          film_id: d.filmId,
          host_id: d.hostId,
          status: 'open',
          locked: d.locked,
          duration_seconds: d.durationSeconds,
          playback: JSON.stringify(d.playback),
          ends_at: null,
          created_at: d.openedAt,
          closed_at: null,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      await addMember(tx, d.roomId, d.hostId, 'host', d.openedAt);
      await invite(tx, d.roomId, d.invited, d.openedAt);
      return;
    }
    case 'RoomInvited':
      return invite(tx, event.data.roomId, event.data.userIds, event.data.invitedAt);
    case 'RoomJoined': {
      const { roomId, userId, joinedAt } = event.data;
      const room = await tx
        .selectFrom('rooms')
        .select('host_id')
        .where('id', '=', roomId)
        .executeTakeFirst();
      return addMember(tx, roomId, userId, room?.host_id === userId ? 'host' : 'member', joinedAt);
    }
    case 'RoomLeft':
      await tx
        .deleteFrom('room_members')
        .where('room_id', '=', event.data.roomId)
        .where('user_id', '=', event.data.userId)
        .execute();
      return;
    case 'RoomLockChanged':
      await tx
        .updateTable('rooms')
        .set({ locked: event.data.locked })
        .where('id', '=', event.data.roomId)
        .execute();
      return;
    case 'PlaybackChanged':
      // Written by runs, in setPlaybacks.
      return;
    case 'RoomClosed': {
      const { roomId, playback, closedAt } = event.data;
      await tx
        .updateTable('rooms')
        .set({
          status: 'closed',
          playback: JSON.stringify(playback),
          ends_at: null,
          closed_at: closedAt,
        })
        .where('id', '=', roomId)
        .execute();
      return;
    }
    default: {
      const _: never = event;
      return;
    }
  }
}

async function addMember(
  tx: Tx,
  roomId: string,
  userId: string,
  role: 'host' | 'member',
  at: string,
) {
  await tx
    .insertInto('room_members')
    .values({ room_id: roomId, user_id: userId, role, joined_at: at })
    .onConflict((oc) => oc.columns(['room_id', 'user_id']).doNothing())
    .execute();
}

async function invite(tx: Tx, roomId: string, userIds: readonly string[], at: string) {
  if (userIds.length === 0) return;
  await tx
    .insertInto('room_invites')
    .values(userIds.map((userId) => ({ room_id: roomId, user_id: userId, invited_at: at })))
    .onConflict((oc) => oc.columns(['room_id', 'user_id']).doNothing())
    .execute();
}
