import type { FastifyRequest } from 'fastify';
import type { Db } from '../../projections/db/database.js';
import {
  filmAnalytics,
  filmsAddedByMonth,
  topFilms,
  topFilters,
} from '../../projections/tracking/analytics-queries.js';
import { ApiError } from '../api-error.js';
import { requireUser } from '../plugins/authentication.js';
import type { RouteDeps } from '../routes/index.js';
import type { TypedApp } from '../routes/typed-app.js';
import {
  catalogueQuery,
  catalogueSchema,
  filmAnalyticsParams,
  filmAnalyticsSchema,
  filtersQuery,
  filtersSchema,
  topQuery,
  topSchema,
  windowOf,
  windowQuery,
} from './analytics-schemas.js';

const tags = ['analytics'];
const security = [{ bearer: [] }];
const config = { openapi: { errors: ['forbidden' as const] } };

/** The caller's id if they have the `admin` role: 401 without a token, 403 without the role. */
export async function requireAdmin(request: FastifyRequest, db: Db): Promise<string> {
  const userId = requireUser(request);
  const user = await db
    .selectFrom('users')
    .select('role')
    .where('id', '=', userId)
    .executeTakeFirst();
  if (user?.role !== 'admin') throw new ApiError('forbidden', 'analytics are for admins only');
  return userId;
}

/** Activity analytics for admins, from tracking events and their daily rollups. */
export async function analyticsRoutes(app: TypedApp, { runtime }: RouteDeps) {
  const { db } = runtime;
  app.get(
    '/api/analytics/films/:filmId',
    {
      config,
      schema: {
        tags,
        security,
        description: "A film's views, viewers, likes, full watches, time on page, quality changes.",
        params: filmAnalyticsParams,
        querystring: windowQuery,
        response: { 200: filmAnalyticsSchema },
      },
    },
    async (request) => {
      await requireAdmin(request, db);
      return filmAnalytics(db, request.params.filmId, windowOf(request.query));
    },
  );

  app.get(
    '/api/analytics/top',
    {
      config,
      schema: {
        tags,
        security,
        description: 'Films ranked by views, likes or full watches (days of the window).',
        querystring: topQuery,
        response: { 200: topSchema },
      },
    },
    async (request) => {
      await requireAdmin(request, db);
      const { metric, limit } = request.query;
      return { metric, items: await topFilms(db, metric, windowOf(request.query), limit) };
    },
  );

  app.get(
    '/api/analytics/filters',
    {
      config,
      schema: {
        tags,
        security,
        description: 'The most used search filter values (days of the window).',
        querystring: filtersQuery,
        response: { 200: filtersSchema },
      },
    },
    async (request) => {
      await requireAdmin(request, db);
      return { items: await topFilters(db, windowOf(request.query), request.query.limit) };
    },
  );

  app.get(
    '/api/analytics/catalogue',
    {
      config,
      schema: {
        tags,
        security,
        description: 'Films added to the catalogue per month (UTC).',
        querystring: catalogueQuery,
        response: { 200: catalogueSchema },
      },
    },
    async (request) => {
      await requireAdmin(request, db);
      return { by: request.query.by, items: await filmsAddedByMonth(db) };
    },
  );
}
