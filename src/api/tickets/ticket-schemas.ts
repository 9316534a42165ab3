import { z } from 'zod';
import { seatSchema } from '../schemas/booking.js';

/** A confirmed booking's ticket. */
export const ticketSchema = z.object({
  bookingId: z.uuid(),
  code: z
    .string()
    .describe(
      'Signed ticket code `T1.<keyId>.<data>`: names the booking and nothing else; what the ' +
        'host scans or types at the door (POST /api/screenings/:id/check-in)',
    ),
  qr: z.string().describe('The code as a QR code, an SVG document'),
  seats: z.array(seatSchema).describe('Empty for general admission'),
  quantity: z.number().int().describe('How many people the ticket admits'),
  holder: z.object({ userId: z.uuid(), displayName: z.string() }),
  screening: z.object({
    id: z.uuid(),
    startsAt: z.iso.datetime(),
    endsAt: z.iso.datetime(),
    film: z.object({ id: z.uuid(), title: z.string() }),
    place: z.object({ id: z.uuid(), name: z.string() }),
  }),
  timeZone: z.string().describe('IANA time zone of the place, for showing the times'),
});
