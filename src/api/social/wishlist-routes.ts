import { z } from 'zod';
import { setListed } from '../../commands/social-commands.js';
import type { FilmList } from '../../domain/social/index.js';
import { ApiError } from '../api-error.js';
import { filmExists } from '../films/film-queries.js';
import { requireUser } from '../plugins/authentication.js';
import { setPosition } from '../plugins/consistency.js';
import type { RouteDeps } from '../routes/index.js';
import type { TypedApp } from '../routes/typed-app.js';
import { friendsWhoWant, matches } from './match-queries.js';
import { listFilms } from './social-queries.js';
import {
  filmParams,
  listedFilmPage,
  listQuery,
  matchPage,
  publicUserPage,
} from './social-schemas.js';

const tags = ['social'];
const security = [{ bearer: [] }];
const TABLE_OF = { wishlist: 'wishes', likes: 'likes' } as const;

/** The caller's wishlist and likes, friends who want a film, and matches. */
export async function wishlistRoutes(app: TypedApp, { runtime }: RouteDeps) {
  for (const list of ['wishlist', 'likes'] as const satisfies FilmList[]) {
    for (const method of ['PUT', 'DELETE'] as const) {
      app.route({
        method,
        url: `/api/me/${list}/:filmId`,
        schema: { tags, security, params: filmParams, response: { 204: z.null() } },
        handler: async (request, reply) => {
          const userId = requireUser(request);
          const { filmId } = request.params;
          // Removing a film the catalogue lost must stay possible from the wishlist.
          const mustExist = method === 'PUT' || list === 'likes';
          if (mustExist && !(await filmExists(runtime.db, filmId))) {
            throw new ApiError('film_not_found', `no film ${filmId}`);
          }
          const input = { userId, filmId, list, listed: method === 'PUT' };
          const metadata = { correlationId: request.id, userId };
          const result = await setListed(runtime.commands, input, metadata);
          setPosition(reply, result.position);
          return reply.code(204).send(null);
        },
      });
    }

    app.get(
      `/api/me/${list}`,
      {
        schema: {
          tags,
          security,
          description: `The caller's ${list}, newest first.`,
          querystring: listQuery,
          response: { 200: listedFilmPage },
        },
      },
      async (request) => listFilms(runtime.db, requireUser(request), TABLE_OF[list], request.query),
    );
  }

  app.get(
    '/api/films/:filmId/friends',
    {
      schema: {
        tags,
        security,
        description: "The caller's friends (mutual follows) who want this film.",
        params: filmParams,
        querystring: listQuery,
        response: { 200: publicUserPage },
      },
    },
    async (request) => {
      const userId = requireUser(request);
      const { filmId } = request.params;
      const page = await friendsWhoWant(runtime.db, userId, filmId, request.query);
      if (page.items.length === 0 && !(await filmExists(runtime.db, filmId))) {
        throw new ApiError('film_not_found', `no film ${filmId}`);
      }
      return page;
    },
  );

  app.get(
    '/api/me/matches',
    {
      schema: {
        tags,
        security,
        description: 'Films the caller wants that friends want too, most friends first.',
        querystring: listQuery,
        response: { 200: matchPage },
      },
    },
    async (request) => matches(runtime.db, requireUser(request), request.query),
  );
}
