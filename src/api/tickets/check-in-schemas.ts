import { z } from 'zod';
import { bookingSchema, seatSchema } from '../schemas/booking.js';

/** Body of POST /api/screenings/:id/check-in: the code as scanned or typed. */
export const checkInBody = z.object({
  code: z.string().trim().min(1).max(200).describe('The ticket code (what its QR code holds)'),
});

const holderSchema = z.object({ userId: z.uuid(), displayName: z.string() });

/** An admitted ticket. */
export const checkInSchema = z.object({
  booking: bookingSchema,
  seats: z.array(seatSchema).describe('The seats to show the way to; empty for general admission'),
  quantity: z.number().int().describe('How many people the ticket admits'),
  holder: holderSchema.describe("The booking's owner, to greet by name"),
  checkedInAt: z.iso.datetime(),
});

const countsSchema = z.object({
  bookings: z.number().int(),
  places: z.number().int().describe('People: seats, or the quantity for general admission'),
});

/** The host's view of the door: how many came of how many expected, and who, when. */
export const checkInsSchema = z.object({
  screeningId: z.uuid(),
  expected: countsSchema.describe('Confirmed bookings, checked in or not'),
  checkedIn: countsSchema,
  items: z
    .array(
      z.object({
        bookingId: z.uuid(),
        holder: holderSchema,
        seats: z.array(seatSchema),
        quantity: z.number().int(),
        checkedInAt: z.iso.datetime(),
      }),
    )
    .describe('Every check-in, in the order they came in'),
});
