import { z } from 'zod';
import { MAX_TEXT } from '../../domain/bounds.js';
import { isTimeZone } from '../../tickets/time-zone.js';
import { text } from './text.js';

/** A place as the API shows it. */
export const placeSchema = z.object({
  id: z.uuid(),
  hostId: z.uuid(),
  name: z.string(),
  address: z.string().nullable(),
  description: z.string().nullable(),
  timeZone: z
    .string()
    .nullable()
    .describe("IANA time zone tickets and mails show times in; null: the server's default"),
  createdAt: z.iso.datetime(),
});

export type Place = z.infer<typeof placeSchema>;

/** Body of `POST /api/places`. */
export const createPlaceBody = z.object({
  name: text(MAX_TEXT.placeName).min(1),
  address: text(MAX_TEXT.placeAddress).optional(),
  description: text(MAX_TEXT.placeDescription).optional(),
  timeZone: z
    .string()
    .max(64)
    .refine(isTimeZone, 'an IANA time zone, e.g. Europe/Paris')
    .optional()
    .describe("IANA time zone of the place, e.g. Europe/Paris (default: the server's)"),
});

/** Path parameters of `/api/places/:placeId`. */
export const placeParams = z.object({ placeId: z.uuid() });
