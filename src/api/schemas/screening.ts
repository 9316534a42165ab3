import { z } from 'zod';
import {
  isIsoWithinTimeBounds,
  MAX_CAPACITY,
  MAX_DURATION_MINUTES,
  MAX_PRICE,
  MAX_ROWS,
  MAX_SEATS_PER_ROW,
  MAX_TEXT,
  TIME_BOUNDS_TEXT,
} from '../../domain/bounds.js';
import type { ScheduledScreening } from '../../domain/screening/index.js';
import { capacityOf } from '../../domain/seat.js';
import { pageQuery } from '../pagination.js';
import { text } from './text.js';

const priceSchema = z.object({
  amount: z.number().int().min(0).max(MAX_PRICE).describe('Minor units, e.g. cents'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code, e.g. EUR'),
});

const seatingKind = z.enum(['general', 'assigned']);
const status = z.enum(['scheduled', 'cancelled']);

/** A screening as the API shows it; `version` is the stream revision (the ETag). */
export const screeningSchema = z.object({
  id: z.uuid(),
  placeId: z.uuid(),
  hostId: z.uuid(),
  filmId: z.uuid(),
  film: z.object({ id: z.uuid(), title: z.string() }),
  place: z.object({ id: z.uuid(), name: z.string() }),
  startsAt: z.iso.datetime(),
  endsAt: z.iso.datetime(),
  status,
  seating: seatingKind,
  capacity: z.number().int(),
  seatsAvailable: z.number().int(),
  price: priceSchema,
  version: z.number().int(),
});

export type Screening = z.infer<typeof screeningSchema>;

/** Body of `POST /api/screenings`: exactly one of `capacity` and `seating`. */
export const scheduleScreeningBody = z
  .object({
    placeId: z.uuid(),
    filmId: z.uuid(),
    startsAt: z.iso
      .datetime({ offset: true })
      .refine(isIsoWithinTimeBounds, `a screening starts ${TIME_BOUNDS_TEXT}`),
    durationMinutes: z
      .number()
      .int()
      .min(1)
      .max(MAX_DURATION_MINUTES)
      .optional()
      .describe("Defaults to the film's running time"),
    capacity: z.number().int().min(1).max(MAX_CAPACITY).optional().describe('General admission'),
    seating: z
      .object({
        rows: z.number().int().min(1).max(MAX_ROWS),
        seatsPerRow: z.number().int().min(1).max(MAX_SEATS_PER_ROW),
      })
      .optional()
      .describe('Assigned seating'),
    price: priceSchema,
  })
  .refine((body) => (body.capacity === undefined) !== (body.seating === undefined), {
    message: 'send exactly one of capacity (general admission) and seating (assigned seats)',
    path: ['capacity'],
  });

/** Query of `GET /api/screenings`. */
export const searchScreeningsQuery = z.object({
  hostId: z.uuid().optional(),
  filmId: z.uuid().optional(),
  placeId: z.uuid().optional(),
  mine: z
    .enum(['true', 'false'])
    .optional()
    .describe("true: the caller's screenings (needs a token)"),
  from: z.iso.datetime({ offset: true }).optional().describe('Starts at or after (inclusive)'),
  to: z.iso.datetime({ offset: true }).optional().describe('Starts before (exclusive)'),
  status: status.optional(),
  ...pageQuery,
});

/** Path parameters of `/api/screenings/:id` routes. */
export const screeningParams = z.object({ id: z.uuid() });

/** Body of `POST /api/screenings/:id/cancel`; it may be left out altogether. */
export const cancelScreeningBody = z
  .object({ reason: text(MAX_TEXT.cancelReason).optional() })
  .nullish();

/** The seat map of a screening; `seats` is empty for general admission. */
export const seatMapSchema = z.object({
  screeningId: z.uuid(),
  seating: seatingKind,
  capacity: z.number().int(),
  available: z.number().int(),
  seats: z.array(
    z.object({
      row: z.number().int(),
      number: z.number().int(),
      status: z.enum(['AVAILABLE', 'LOCKED', 'SOLD']),
    }),
  ),
});

export type SeatMap = z.infer<typeof seatMapSchema>;

/** A screening from the aggregate state a command left (the read model may lag behind). */
export function screeningOfState(
  state: ScheduledScreening,
  revision: bigint | null,
  names: { readonly filmTitle: string; readonly placeName: string },
): Screening {
  const capacity = capacityOf(state.seating);
  return {
    id: state.screeningId,
    placeId: state.placeId,
    hostId: state.hostId,
    filmId: state.filmId,
    film: { id: state.filmId, title: names.filmTitle },
    place: { id: state.placeId, name: names.placeName },
    startsAt: state.startsAt,
    endsAt: state.endsAt,
    status: state.status,
    seating: state.seating.kind,
    capacity,
    seatsAvailable: capacity - state.taken,
    price: { amount: state.price.amount, currency: state.price.currency },
    version: Number(revision ?? 0n),
  };
}
