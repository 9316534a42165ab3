import { z } from 'zod';
import { setFollowing } from '../../commands/social-commands.js';
import { ApiError } from '../api-error.js';
import { requireUser } from '../plugins/authentication.js';
import { setPosition } from '../plugins/consistency.js';
import type { RouteDeps } from '../routes/index.js';
import type { TypedApp } from '../routes/typed-app.js';
import {
  type FollowList,
  findProfile,
  listFollows,
  searchUsers,
  userExists,
} from './social-queries.js';
import {
  followPage,
  listQuery,
  profileSchema,
  publicUserPage,
  userParams,
  userSearchQuery,
} from './social-schemas.js';

const tags = ['social'];
const security = [{ bearer: [] }];

/** Finding users, their profiles, following them and the caller's follow lists. */
export async function userRoutes(app: TypedApp, { runtime }: RouteDeps) {
  app.get(
    '/api/users',
    {
      schema: {
        tags,
        security,
        description:
          'Users whose display name starts with q (≥ 2 characters) or whose email is exactly q.',
        querystring: userSearchQuery,
        response: { 200: publicUserPage },
      },
    },
    async (request) => {
      requireUser(request);
      const { q, ...page } = request.query;
      return searchUsers(runtime.db, q, page);
    },
  );

  app.get(
    '/api/users/:userId',
    { schema: { tags, security, params: userParams, response: { 200: profileSchema } } },
    async (request) => {
      requireUser(request);
      const profile = await findProfile(runtime.db, request.params.userId);
      if (!profile) throw new ApiError('user_not_found', 'no such user');
      return profile;
    },
  );

  for (const method of ['PUT', 'DELETE'] as const) {
    app.route({
      method,
      url: '/api/users/:userId/follow',
      schema: {
        tags,
        security,
        description: method === 'PUT' ? 'Follow (idempotent).' : 'Unfollow (idempotent).',
        params: userParams,
        response: { 204: z.null() },
      },
      handler: async (request, reply) => {
        const followerId = requireUser(request);
        const followeeId = request.params.userId;
        if (!(await userExists(runtime.db, followeeId))) {
          throw new ApiError('user_not_found', 'no such user');
        }
        const input = { followerId, followeeId, follow: method === 'PUT' };
        const metadata = { correlationId: request.id, userId: followerId };
        const result = await setFollowing(runtime.commands, input, metadata);
        setPosition(reply, result.position);
        return reply.code(204).send(null);
      },
    });
  }

  for (const list of ['following', 'followers', 'friends'] as const satisfies FollowList[]) {
    app.get(
      `/api/me/${list}`,
      {
        schema: {
          tags,
          security,
          description: `The caller's ${list}, newest first.`,
          querystring: listQuery,
          response: { 200: followPage },
        },
      },
      async (request) => listFollows(runtime.db, requireUser(request), list, request.query),
    );
  }
}
