import QRCode from 'qrcode';
import { type ScreeningEvent, screeningDecider } from '../domain/screening/index.js';
import type { RecordedEvent } from '../eventstore/event-store.js';
import type { MailMessage } from '../projections/db/database.js';
import { waitForPosition } from '../projections/engine/checkpoints.js';
import { type ReactorLogger, ReactorRunner } from '../projections/engine/reactor-runner.js';
import { READ_MODELS_PROJECTOR } from '../projections/read-models.js';
import type { Runtime } from '../runtime.js';
import type { TicketCodes } from '../tickets/ticket-codes.js';
import { ticketPdf } from '../tickets/ticket-pdf.js';
import { type TicketFacts, ticketFacts, ticketOf } from '../tickets/ticket-view.js';
import { placeTimeZone } from '../tickets/time-zone.js';
import {
  type BookingMailFacts,
  cancellationMail,
  expiryMail,
  refundMail,
  ticketMail,
} from './mail-templates.js';

/** Names the mail reactor's checkpoint and lock. */
export const MAIL_REACTOR = 'mail';

// Mail about events older than this is not sent: a new deployment (or one that had no mail
// reactor yet) must not write to everyone about their whole booking history.
const MAX_EVENT_AGE_MS = 24 * 3600_000;
// How long to wait for the read models to show an event's effects before retrying it later.
const READ_MODELS_WAIT_MS = 5_000;

export interface MailReactionDeps {
  readonly runtime: Runtime;
  readonly tickets: TicketCodes;
  readonly logger: ReactorLogger;
  /** Called once a mail is queued, so the sender need not wait for its next poll. */
  readonly queued?: () => void;
}

/**
 * The mail reactor of this process: for each event that concerns a user it renders one mail
 * into the outbox, keyed by the event id (a re-run after a crash adds nothing). It never talks
 * to SMTP itself, so a mail server that is down or refuses one address holds up nothing here.
 */
export function mailReactor(deps: MailReactionDeps): ReactorRunner {
  const { runtime, logger } = deps;
  return new ReactorRunner({
    name: MAIL_REACTOR,
    store: runtime.store,
    db: runtime.db,
    logger,
    react: (event) => reactWithMail(deps, event),
  });
}

type MailedEvent = RecordedEvent &
  Extract<
    ScreeningEvent,
    { type: 'BookingConfirmed' | 'BookingCancelled' | 'BookingExpired' | 'PaymentRefunded' }
  >;

const MAILED = new Set([
  'BookingConfirmed',
  'BookingCancelled',
  'BookingExpired',
  'PaymentRefunded',
]);

function isMailed(event: RecordedEvent): event is MailedEvent {
  return screeningDecider.isEvent(event) && MAILED.has(event.type);
}

/** Queues the mail an event warrants; resolves whether it concerned the reactor. */
export async function reactWithMail(
  deps: MailReactionDeps,
  event: RecordedEvent,
): Promise<boolean> {
  if (!isMailed(event)) return false;
  if (Date.now() - event.createdAt.getTime() > MAX_EVENT_AGE_MS) return false;
  const { runtime } = deps;
  const { db, store } = runtime;
  // The mail names the film, the place and the user: wait until the read models have them.
  const seen = await waitForPosition(db, store, [READ_MODELS_PROJECTOR], event.position, {
    timeoutMs: READ_MODELS_WAIT_MS,
  });
  if (!seen) throw new Error('the read models are behind the event; mail will be retried');
  const facts = await ticketFacts(db, event.data.bookingId);
  if (!facts?.email) {
    deps.logger.warn(
      {
        eventId: event.id,
        bookingId: event.data.bookingId,
        correlationId: event.metadata.correlationId,
      },
      'no booking or user to write to; no mail',
    );
    return false;
  }
  // Catching up on a confirmation whose booking has ended since: no ticket (its end has a mail).
  if (event.type === 'BookingConfirmed' && facts.status !== 'CONFIRMED') return false;
  const mail = await render(deps, event, facts, facts.email);
  const inserted = await db
    .insertInto('mail_outbox')
    .values({
      event_id: event.id,
      kind: event.type,
      recipient: mail.to,
      message: JSON.stringify(mail),
    })
    .onConflict((oc) => oc.column('event_id').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) {
    deps.logger.info(
      { eventId: event.id, kind: event.type, correlationId: event.metadata.correlationId },
      'mail queued',
    );
    deps.queued?.();
  }
  return true;
}

async function render(
  deps: MailReactionDeps,
  event: MailedEvent,
  facts: TicketFacts,
  to: string,
): Promise<MailMessage> {
  const timeZone = await placeTimeZone(deps.runtime, facts.placeId);
  const base: BookingMailFacts = {
    to,
    displayName: facts.displayName ?? '',
    filmTitle: facts.filmTitle,
    placeName: facts.placeName,
    startsAt: new Date(facts.startsAt).toISOString(),
    timeZone,
  };
  switch (event.type) {
    case 'BookingConfirmed': {
      const ticket = ticketOf(facts, deps.tickets.sign(facts.bookingId), timeZone);
      const qr = await QRCode.toBuffer(ticket.code, {
        type: 'png',
        errorCorrectionLevel: 'M',
        margin: 2,
        scale: 6,
      });
      return ticketMail(base, ticket, qr, await ticketPdf(ticket));
    }
    case 'BookingCancelled':
      return cancellationMail(base, event.data.reason, event.data.refundPaymentId !== null);
    case 'BookingExpired':
      return expiryMail(base, event.data.expiredAt);
    case 'PaymentRefunded':
      return refundMail(base, event.data.amount);
    default: {
      const _: never = event;
      throw new Error('no mail for this event');
    }
  }
}
