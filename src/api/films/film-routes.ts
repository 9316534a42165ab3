import { ApiError } from '../api-error.js';
import type { RouteDeps } from '../routes/index.js';
import type { TypedApp } from '../routes/typed-app.js';
import {
  filmPageSchema,
  filmParams,
  filmSchema,
  filmSearchQuery,
  genresSchema,
} from '../schemas/film.js';
import { filmGenres, findFilm } from './film-queries.js';
import { searchFilms } from './film-search.js';

/** The public film catalogue. */
export async function filmRoutes(app: TypedApp, { runtime }: RouteDeps) {
  app.get(
    '/api/films',
    {
      schema: { tags: ['films'], querystring: filmSearchQuery, response: { 200: filmPageSchema } },
    },
    async (request) => searchFilms(runtime.db, request.query),
  );

  // Registered before `/:filmId`; Fastify prefers the static path anyway.
  app.get(
    '/api/films/genres',
    { schema: { tags: ['films'], response: { 200: genresSchema } } },
    async () => ({ items: await filmGenres(runtime.db) }),
  );

  app.get(
    '/api/films/:filmId',
    { schema: { tags: ['films'], params: filmParams, response: { 200: filmSchema } } },
    async (request) => {
      const film = await findFilm(runtime.db, request.params.filmId);
      if (!film) throw new ApiError('film_not_found', `no film ${request.params.filmId}`);
      return film;
    },
  );
}
