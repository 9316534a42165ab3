import { z } from 'zod';
import { pageQuery, pageSchema } from '../pagination.js';
import { filmSchema } from '../schemas/film.js';
import { text } from '../schemas/text.js';

/** A user as others see them (never the email). */
export const publicUserSchema = z.object({ id: z.uuid(), displayName: z.string() });

/** GET /api/users/:userId. */
export const profileSchema = publicUserSchema.extend({
  followers: z.number().int(),
  following: z.number().int(),
});

/** An entry of /api/me/following, /followers, /friends. */
export const followSchema = publicUserSchema.extend({ since: z.iso.datetime() });

/** An entry of /api/me/wishlist and /api/me/likes. */
export const listedFilmSchema = z.object({ film: filmSchema, addedAt: z.iso.datetime() });

/** An entry of /api/me/matches. */
export const matchSchema = z.object({ film: filmSchema, friends: z.array(publicUserSchema) });

export const userSearchQuery = z.object({
  q: text(200).pipe(z.string().min(2, 'at least 2 characters')),
  ...pageQuery,
});

export const listQuery = z.object(pageQuery);
export const userParams = z.object({ userId: z.uuid() });
export const filmParams = z.object({ filmId: z.uuid() });

export const publicUserPage = pageSchema(publicUserSchema);
export const followPage = pageSchema(followSchema);
export const listedFilmPage = pageSchema(listedFilmSchema);
export const matchPage = pageSchema(matchSchema);
