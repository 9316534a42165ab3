import type { FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { ticketPdf } from '../../tickets/ticket-pdf.js';
import { ticketQrSvg } from '../../tickets/ticket-qr.js';
import { ticketFacts, ticketOf } from '../../tickets/ticket-view.js';
import { placeTimeZone } from '../../tickets/time-zone.js';
import { requireUser } from '../plugins/authentication.js';
import type { RouteDeps } from '../routes/index.js';
import type { TypedApp } from '../routes/typed-app.js';
import { bookingParams } from '../schemas/booking.js';
import { ticketSchema } from './ticket-schemas.js';

/**
 * Whether the client asked for the PDF: `application/pdf` named in Accept before any JSON type.
 * Two media types do not need a negotiation library; q-values are not weighed.
 */
function wantsPdf(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  const pdf = accept.indexOf('application/pdf');
  const json = accept.search(/application\/(problem\+)?json|\*\/\*/);
  return pdf >= 0 && (json < 0 || pdf < json);
}

/** A confirmed booking's ticket for its owner: JSON with the QR code, or a printable PDF. */
export async function ticketRoutes(app: TypedApp, { runtime, tickets }: RouteDeps) {
  app.get(
    '/api/bookings/:id/ticket',
    {
      schema: {
        tags: ['tickets'],
        security: [{ bearer: [] }],
        description:
          "The ticket of one of the caller's CONFIRMED bookings. `Accept: application/pdf` " +
          'answers a printable PDF (A6) instead. 404 booking_not_found for anyone but the ' +
          'owner; 409 booking_not_confirmed until paid (and after cancellation or expiry).',
        params: bookingParams,
        response: { 200: ticketSchema },
      },
    },
    async (request, reply) => {
      const userId = requireUser(request);
      const bookingId = request.params.id;
      const facts = await ticketFacts(runtime.db, bookingId);
      // Someone else's booking is reported as missing: existence is not leaked.
      if (!facts || facts.userId !== userId) {
        throw new DomainError('booking_not_found', `booking ${bookingId} not found`);
      }
      if (facts.status !== 'CONFIRMED') {
        throw new DomainError(
          'booking_not_confirmed',
          `the booking is ${facts.status.toLowerCase()}`,
          {
            status: facts.status,
          },
        );
      }
      const timeZone = await placeTimeZone(runtime, facts.placeId);
      const ticket = ticketOf(facts, tickets.sign(bookingId), timeZone);
      reply.header('Cache-Control', 'private, no-store').header('Vary', 'Accept');
      if (wantsPdf(request)) {
        const pdf = await ticketPdf(ticket);
        // Fastify sends a Buffer as it is, past the JSON serializer the schema types the reply for.
        return reply
          .type('application/pdf')
          .header('Content-Disposition', `inline; filename="ticket-${bookingId}.pdf"`)
          .send(pdf as never);
      }
      const { timeZone: zone, ...rest } = ticket;
      return {
        ...rest,
        seats: [...rest.seats],
        qr: await ticketQrSvg(ticket.code),
        timeZone: zone,
      };
    },
  );
}
