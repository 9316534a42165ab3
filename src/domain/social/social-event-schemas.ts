import { z } from 'zod';
import type { EventSchemas } from '../event-schema.js';
import type { FollowingEvent } from './following.js';
import type { LibraryEvent } from './library.js';

const follow = { followerId: z.string(), followeeId: z.string() };
const listed = z.object({ userId: z.string(), filmId: z.string(), at: z.string() });

/** The data of each following event, checked as events are read and imported. */
export const followingEventSchemas: EventSchemas<FollowingEvent> = {
  UserFollowed: z.object({ ...follow, followedAt: z.string() }),
  UserUnfollowed: z.object({ ...follow, unfollowedAt: z.string() }),
};

/** The data of each library event, checked as events are read and imported. */
export const libraryEventSchemas: EventSchemas<LibraryEvent> = {
  FilmWished: listed,
  FilmLiked: listed,
  FilmUnwished: listed,
  FilmUnliked: listed,
};
