import { z } from 'zod';
import { FILM_SORTS } from '../films/film-search.js';
import { pageQuery, pageSchema } from '../pagination.js';
import { text } from './text.js';

/** A film of the catalogue. */
export const filmSchema = z.object({
  id: z.uuid(),
  title: z.string(),
  originalTitle: z.string(),
  year: z.number().int(),
  genres: z.array(z.string()),
  durationMinutes: z.number().int(),
  description: z.string(),
  rating: z.number().min(0).max(10).nullable().describe('0–10, one decimal; null when unrated'),
  cast: z.array(z.string()),
  directors: z.array(z.string()),
  posterUrl: z.string().nullable(),
  media: z.object({ available: z.boolean(), qualities: z.array(z.string()) }),
  wantCount: z.number().int(),
  likeCount: z.number().int(),
});

const year = z.coerce.number().int().min(1870).max(2100);

/** GET /api/films: an empty `q`, `genre` or `person` is no filter. */
export const filmSearchQuery = z.object({
  q: text(200).optional().describe('full-text over titles, people and description; prefixes match'),
  genre: text(50).optional(),
  year: year.optional(),
  yearFrom: year.optional(),
  yearTo: year.optional(),
  minRating: z.coerce.number().min(0).max(10).optional(),
  person: text(200).optional().describe('a name in the cast or among the directors'),
  sort: z
    .enum(FILM_SORTS)
    .optional()
    .describe('default: relevance with q, else title; a cursor is only valid for its sort'),
  ...pageQuery,
});

/** A page of films. */
export const filmPageSchema = pageSchema(filmSchema);

/** GET /api/films/genres. */
export const genresSchema = z.object({
  items: z.array(z.object({ genre: z.string(), count: z.number().int() })),
});

/** `:filmId` of the film routes. */
export const filmParams = z.object({ filmId: z.uuid() });
