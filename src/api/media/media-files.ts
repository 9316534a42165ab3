import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from '../../projections/db/database.js';

/** The bundled sample clip (scripts/make-sample-media.sh): `<quality>.mp4` per quality. */
export const SAMPLE_MEDIA_DIR = fileURLToPath(new URL('../../../media/sample/', import.meta.url));

/** A quality as a file name part: `360p`, `720p`, `1080p`… never a path. */
export const QUALITY = /^[0-9]{3,4}p$/;

/**
 * The qualities a film offers (its `media.qualities`), or undefined for an unknown film. Read
 * on every range request, so only the one column.
 */
export async function filmQualities(db: Db, filmId: string): Promise<string[] | undefined> {
  const row = await db
    .selectFrom('films')
    .select('media_qualities')
    .where('id', '=', filmId)
    .executeTakeFirst();
  return row?.media_qualities;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * The file that plays a film in a quality: its own `<mediaDir>/<filmId>/<quality>.mp4` when there
 * is one, else the bundled sample in that quality; undefined when neither exists. The caller has
 * checked `quality` against {@link QUALITY} and `filmId` is a UUID, so neither can climb out of
 * the folders.
 */
export async function mediaFile(
  mediaDir: string | undefined,
  filmId: string,
  quality: string,
): Promise<string | undefined> {
  const own = mediaDir ? join(mediaDir, filmId, `${quality}.mp4`) : undefined;
  if (own && (await isFile(own))) return own;
  const sample = join(SAMPLE_MEDIA_DIR, `${quality}.mp4`);
  return (await isFile(sample)) ? sample : undefined;
}
