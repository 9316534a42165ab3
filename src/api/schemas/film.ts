import { z } from 'zod';
import { pageQuery, pageSchema } from '../pagination.js';
import { text } from './text.js';

/** A film of the catalogue. */
export const filmSchema = z.object({
  id: z.uuid(),
  title: z.string(),
  year: z.number().int(),
  genres: z.array(z.string()),
  durationMinutes: z.number().int(),
  description: z.string(),
});

/** GET /api/films: an empty `q` or `genre` is no filter. */
export const filmSearchQuery = z.object({
  q: text(200).optional(),
  genre: text(50).optional(),
  year: z.coerce.number().int().min(1888).max(2100).optional(),
  ...pageQuery,
});

/** A page of films. */
export const filmPageSchema = pageSchema(filmSchema);

/** `:filmId` of GET /api/films/:filmId. */
export const filmParams = z.object({ filmId: z.uuid() });
