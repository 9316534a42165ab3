import { z } from 'zod';

/** A film as the catalogue file and importers hand it to the film writer. */
export const filmRecordSchema = z.object({
  id: z.uuid(),
  title: z.string().min(1).max(300),
  originalTitle: z.string().max(300),
  year: z.number().int().min(1870).max(2100),
  genres: z.array(z.string().min(1).max(50)).max(20),
  durationMinutes: z.number().int().min(0).max(2000),
  description: z.string().max(5000),
  rating: z.number().min(0).max(10).nullable(),
  cast: z.array(z.string().min(1).max(200)).max(50),
  directors: z.array(z.string().min(1).max(200)).max(20),
  posterUrl: z.url().max(1000).nullable().default(null),
});

export type FilmRecord = z.infer<typeof filmRecordSchema>;

/** Where a film came from: the bundled catalogue, or an import with the source's own id. */
export interface FilmSource {
  readonly source: 'catalogue' | 'tmdb';
  readonly sourceId: string | null;
}
