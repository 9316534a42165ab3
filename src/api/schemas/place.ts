import { z } from 'zod';
import { text } from './text.js';

/** A place as the API shows it. */
export const placeSchema = z.object({
  id: z.uuid(),
  hostId: z.uuid(),
  name: z.string(),
  address: z.string().nullable(),
  description: z.string().nullable(),
  createdAt: z.iso.datetime(),
});

export type Place = z.infer<typeof placeSchema>;

/** Body of `POST /api/places`. */
export const createPlaceBody = z.object({
  name: text(200).min(1),
  address: text(500).optional(),
  description: text(2000).optional(),
});

/** Path parameters of `/api/places/:placeId`. */
export const placeParams = z.object({ placeId: z.uuid() });
