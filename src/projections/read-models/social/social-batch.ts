import {
  type FollowingEvent,
  followingDecider,
  type LibraryEvent,
  libraryDecider,
} from '../../../domain/social/index.js';
import type { RecordedEvent } from '../../../eventstore/event-store.js';
import { uuidKey } from '../../engine/batch-sql.js';

/** A social event as the feed delivers it. */
export type SocialRecord = RecordedEvent & (FollowingEvent | LibraryEvent);

/**
 * A row the batch touches: whether it stood before the batch, its time (`since`, `added_at`)
 * while it stands, undefined while it does not, and whether the batch inserted or deleted it.
 */
export interface TrackedRow {
  readonly before: boolean;
  at: Date | string | undefined;
  written: boolean;
}

/** The rows a batch touches, by {@link pairKey} (friends by {@link friendKey}). */
export interface SocialRows {
  readonly follows: Map<string, TrackedRow>;
  readonly friends: Map<string, TrackedRow>;
  readonly wishes: Map<string, TrackedRow>;
  readonly likes: Map<string, TrackedRow>;
}

export type SocialTable = keyof SocialRows;

/** `follower followee`, `user film`: the key of a row of two ids. */
export const pairKey = (a: string, b: string): string => `${uuidKey(a)} ${uuidKey(b)}`;
export const idsOf = (key: string): [string, string] => key.split(' ') as [string, string];
/** Friends come in two rows, one per direction: one key for both, the smaller id first. */
export const friendKey = (a: string, b: string): string =>
  uuidKey(a) < uuidKey(b) ? pairKey(a, b) : pairKey(b, a);

export function isSocial(event: RecordedEvent): event is SocialRecord {
  return followingDecider.isEvent(event) || libraryDecider.isEvent(event);
}

/** The keys of the rows the events touch, per table: a follow reads the one back too. */
export function touchedBy(events: readonly SocialRecord[]): Record<SocialTable, Set<string>> {
  const touched = {
    follows: new Set<string>(),
    friends: new Set<string>(),
    wishes: new Set<string>(),
    likes: new Set<string>(),
  };
  for (const event of events) {
    if (event.type === 'UserFollowed' || event.type === 'UserUnfollowed') {
      const { followerId, followeeId } = event.data;
      touched.follows.add(pairKey(followerId, followeeId));
      touched.follows.add(pairKey(followeeId, followerId));
      touched.friends.add(friendKey(followerId, followeeId));
    } else {
      touched[LIST_OF[event.type].table].add(pairKey(event.data.userId, event.data.filmId));
    }
  }
  return touched;
}

const LIST_OF = {
  FilmWished: { table: 'wishes', adds: true },
  FilmUnwished: { table: 'wishes', adds: false },
  FilmLiked: { table: 'likes', adds: true },
  FilmUnliked: { table: 'likes', adds: false },
} as const;

/**
 * Moves the rows through one event, as the rows themselves would move: a follow or a list entry
 * is inserted unless it stands and deleted only if it does; a follow that answers one the other
 * way makes friends since then, and either side unfollowing ends them.
 */
export function applySocialEvent(rows: SocialRows, event: SocialRecord): void {
  switch (event.type) {
    case 'UserFollowed': {
      const { followerId, followeeId, followedAt } = event.data;
      const follow = rowOf(rows.follows, pairKey(followerId, followeeId));
      if (follow.at !== undefined) return;
      write(follow, followedAt);
      if (rowOf(rows.follows, pairKey(followeeId, followerId)).at === undefined) return;
      const friends = rowOf(rows.friends, friendKey(followerId, followeeId));
      if (friends.at === undefined) write(friends, followedAt);
      return;
    }
    case 'UserUnfollowed': {
      const { followerId, followeeId } = event.data;
      const follow = rowOf(rows.follows, pairKey(followerId, followeeId));
      if (follow.at === undefined) return;
      write(follow, undefined);
      const friends = rowOf(rows.friends, friendKey(followerId, followeeId));
      if (friends.at !== undefined) write(friends, undefined);
      return;
    }
    default: {
      const { table, adds } = LIST_OF[event.type];
      const entry = rowOf(rows[table], pairKey(event.data.userId, event.data.filmId));
      if (adds === (entry.at !== undefined)) return;
      write(entry, adds ? event.data.at : undefined);
    }
  }
}

function rowOf(rows: Map<string, TrackedRow>, key: string): TrackedRow {
  const row = rows.get(key);
  // Every touched key was loaded: a missing one is a bug of touchedBy, not of the data.
  if (!row) throw new Error(`social batch: row ${key} was not loaded`);
  return row;
}

function write(row: TrackedRow, at: Date | string | undefined): void {
  row.at = at;
  row.written = true;
}

/** +1 for a row the batch added, -1 for one it took away, 0 for one it left standing or absent. */
export const netChange = (row: TrackedRow): number =>
  (row.at === undefined ? 0 : 1) - (row.before ? 1 : 0);
