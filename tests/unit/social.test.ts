import { describe, it } from 'vitest';
import {
  type FollowingEvent,
  followingDecider,
  type LibraryEvent,
  libraryDecider,
} from '../../src/domain/social/index.js';
import { given } from '../support/given-when-then.js';

const ada = '01900000-0000-7000-8000-00000000000a';
const bob = '01900000-0000-7000-8000-00000000000b';
const film = '01900000-0000-7000-8000-0000000000f1';
const now = new Date('2026-12-01T10:00:00.000Z');
const at = now.toISOString();

const followed: FollowingEvent = {
  type: 'UserFollowed',
  data: { followerId: ada, followeeId: bob, followedAt: '2026-11-30T10:00:00.000Z' },
};
const unfollowed: FollowingEvent = {
  type: 'UserUnfollowed',
  data: { followerId: ada, followeeId: bob, unfollowedAt: '2026-11-30T11:00:00.000Z' },
};

describe('following', () => {
  it('follows a user not yet followed', () => {
    given(followingDecider)
      .when({ type: 'Follow', followerId: ada, followeeId: bob, now })
      .then([{ type: 'UserFollowed', data: { followerId: ada, followeeId: bob, followedAt: at } }]);
  });

  it('does nothing when the user is already followed', () => {
    given(followingDecider, [followed])
      .when({ type: 'Follow', followerId: ada, followeeId: bob, now })
      .thenNothing();
  });

  it('follows again after an unfollow', () => {
    given(followingDecider, [followed, unfollowed])
      .when({ type: 'Follow', followerId: ada, followeeId: bob, now })
      .then([{ type: 'UserFollowed', data: { followerId: ada, followeeId: bob, followedAt: at } }]);
  });

  it('refuses to follow oneself', () => {
    given(followingDecider)
      .when({ type: 'Follow', followerId: ada, followeeId: ada, now })
      .thenThrows('cannot_follow_self');
  });

  it('unfollows a followed user, and does nothing for one not followed', () => {
    given(followingDecider, [followed])
      .when({ type: 'Unfollow', followerId: ada, followeeId: bob, now })
      .then([
        { type: 'UserUnfollowed', data: { followerId: ada, followeeId: bob, unfollowedAt: at } },
      ]);
    given(followingDecider, [followed, unfollowed])
      .when({ type: 'Unfollow', followerId: ada, followeeId: bob, now })
      .thenNothing();
  });
});

const wished: LibraryEvent = {
  type: 'FilmWished',
  data: { userId: ada, filmId: film, at: '2026-11-30T10:00:00.000Z' },
};

describe('library', () => {
  it('wishes a film once; a second wish is a no-op', () => {
    given(libraryDecider)
      .when({ type: 'AddFilm', list: 'wishlist', userId: ada, filmId: film, now })
      .then([{ type: 'FilmWished', data: { userId: ada, filmId: film, at } }]);
    given(libraryDecider, [wished])
      .when({ type: 'AddFilm', list: 'wishlist', userId: ada, filmId: film, now })
      .thenNothing();
  });

  it('keeps likes apart from the wishlist', () => {
    given(libraryDecider, [wished])
      .when({ type: 'AddFilm', list: 'likes', userId: ada, filmId: film, now })
      .then([{ type: 'FilmLiked', data: { userId: ada, filmId: film, at } }]);
    given(libraryDecider, [wished])
      .when({ type: 'RemoveFilm', list: 'likes', userId: ada, filmId: film, now })
      .thenNothing();
  });

  it('removes a wished film', () => {
    given(libraryDecider, [wished])
      .when({ type: 'RemoveFilm', list: 'wishlist', userId: ada, filmId: film, now })
      .then([{ type: 'FilmUnwished', data: { userId: ada, filmId: film, at } }]);
  });
});
