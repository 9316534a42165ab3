import { Set as ImmutableSet } from 'immutable';
import type { Decider } from '../decider.js';
import { assertNever, refuse } from '../errors.js';
import { eventGuard } from '../event-schema.js';
import { followingEventSchemas } from './social-event-schemas.js';

/**
 * Who one user follows: the stream `follows-<followerId>`. One stream per follower, not per
 * followee: following someone writes only the follower's own stream, so a user with 100,000
 * followers is never a hot stream, and "already following?" is decided on one small state.
 */
export type FollowingEvent =
  | {
      readonly type: 'UserFollowed';
      readonly data: {
        readonly followerId: string;
        readonly followeeId: string;
        readonly followedAt: string;
      };
    }
  | {
      readonly type: 'UserUnfollowed';
      readonly data: {
        readonly followerId: string;
        readonly followeeId: string;
        readonly unfollowedAt: string;
      };
    };

/** Commands on a follower's stream; `now` arrives on the command. */
export type FollowingCommand =
  | {
      readonly type: 'Follow';
      readonly followerId: string;
      readonly followeeId: string;
      readonly now: Date;
    }
  | {
      readonly type: 'Unfollow';
      readonly followerId: string;
      readonly followeeId: string;
      readonly now: Date;
    };

/** The users the follower follows now. */
export interface FollowingState {
  readonly followees: ImmutableSet<string>;
}

const initialState: FollowingState = { followees: ImmutableSet() };

function evolve(state: FollowingState, event: FollowingEvent): FollowingState {
  switch (event.type) {
    case 'UserFollowed':
      return { followees: state.followees.add(event.data.followeeId) };
    case 'UserUnfollowed':
      return { followees: state.followees.remove(event.data.followeeId) };
    default:
      return assertNever(event);
  }
}

function decide(command: FollowingCommand, state: FollowingState): FollowingEvent[] {
  const { followerId, followeeId } = command;
  switch (command.type) {
    case 'Follow':
      if (followerId === followeeId) {
        return refuse('cannot_follow_self', 'a user cannot follow themselves');
      }
      if (state.followees.has(followeeId)) return [];
      return [
        {
          type: 'UserFollowed',
          data: { followerId, followeeId, followedAt: command.now.toISOString() },
        },
      ];
    case 'Unfollow':
      if (!state.followees.has(followeeId)) return [];
      return [
        {
          type: 'UserUnfollowed',
          data: { followerId, followeeId, unfollowedAt: command.now.toISOString() },
        },
      ];
    default:
      return assertNever(command);
  }
}

/** The following aggregate: one user's outgoing follows. */
export const followingDecider: Decider<FollowingCommand, FollowingEvent, FollowingState> = {
  category: 'follows',
  initialState,
  decide,
  evolve,
  isEvent: eventGuard(followingEventSchemas),
};
