import { z } from 'zod';
import catalogue from '../../../films/catalogue.json' with { type: 'json' };
import { filmRecordSchema } from '../../../films/film-record.js';
import { writeFilms } from '../../../films/film-writer.js';
import type { Db } from '../../db/database.js';

/**
 * Writes the bundled catalogue into `films` at every start: new films are added and films whose
 * facts changed in a new release are updated; unchanged rows are not touched, so two processes
 * starting at once do no harm.
 */
export async function loadFilmCatalogue(db: Db, now = new Date()): Promise<void> {
  const films = z.array(filmRecordSchema).parse(catalogue);
  await writeFilms(
    db,
    films.map((film) => ({ ...film, source: 'catalogue' as const, sourceId: null })),
    now,
  );
}
