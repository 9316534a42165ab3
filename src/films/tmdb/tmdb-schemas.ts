import { z } from 'zod';

/** One result of TMDB's list endpoints (`/search/movie`, `/movie/popular`): only the id is used. */
export const tmdbPageSchema = z.object({
  page: z.number().int(),
  total_pages: z.number().int(),
  results: z.array(z.object({ id: z.number().int().positive() })),
});

/** `/movie/{id}?append_to_response=credits`: the fields a film is made of. */
export const tmdbMovieSchema = z.object({
  id: z.number().int().positive(),
  title: z.string().min(1),
  original_title: z.string().default(''),
  release_date: z.string().default(''),
  runtime: z.number().int().nullable().default(null),
  overview: z.string().default(''),
  vote_average: z.number().default(0),
  vote_count: z.number().int().default(0),
  poster_path: z.string().nullable().default(null),
  genres: z.array(z.object({ name: z.string() })).default([]),
  credits: z
    .object({
      cast: z.array(z.object({ name: z.string(), order: z.number().int().default(0) })).default([]),
      crew: z.array(z.object({ name: z.string(), job: z.string() })).default([]),
    })
    .default({ cast: [], crew: [] }),
});

export type TmdbMovie = z.infer<typeof tmdbMovieSchema>;
