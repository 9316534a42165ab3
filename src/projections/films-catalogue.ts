import catalogue from '../films/catalogue.json' with { type: 'json' };
import type { Db } from './db/database.js';

/** Fills the `films` table from the bundled catalogue when it is empty. */
export async function loadFilmCatalogue(db: Db): Promise<void> {
  const any = await db.selectFrom('films').select('id').limit(1).executeTakeFirst();
  if (any !== undefined) return;
  await db
    .insertInto('films')
    .values(
      catalogue.map((film) => ({
        id: film.id,
        title: film.title,
        year: film.year,
        genres: film.genres,
        duration_minutes: film.durationMinutes,
        description: film.description,
      })),
    )
    // Two processes starting at once may both find the table empty.
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}
