import type { FilmList } from '../domain/social/index.js';
import type { CommandContext } from './command-context.js';
import type { CommandMetadata } from './event-envelope.js';

/** Follows or unfollows a user (idempotent); the caller has checked that the followee exists. */
export function setFollowing(
  ctx: CommandContext,
  input: { readonly followerId: string; readonly followeeId: string; readonly follow: boolean },
  metadata: CommandMetadata,
) {
  const { followerId, followeeId } = input;
  const type = input.follow ? 'Follow' : 'Unfollow';
  return ctx.following.handle(
    followerId,
    { type, followerId, followeeId, now: ctx.now() },
    { metadata },
  );
}

/** Adds a film to the user's wishlist or likes, or removes it (idempotent). */
export function setListed(
  ctx: CommandContext,
  input: {
    readonly userId: string;
    readonly filmId: string;
    readonly list: FilmList;
    readonly listed: boolean;
  },
  metadata: CommandMetadata,
) {
  const { userId, filmId, list } = input;
  const type = input.listed ? 'AddFilm' : 'RemoveFilm';
  return ctx.library.handle(userId, { type, list, userId, filmId, now: ctx.now() }, { metadata });
}
