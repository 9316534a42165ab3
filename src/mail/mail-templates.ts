import type { MailMessage } from '../projections/db/database.js';
import { localTime, placesText, type TicketView } from '../tickets/ticket-view.js';

/** What every mail about a booking names. */
export interface BookingMailFacts {
  readonly to: string;
  readonly displayName: string;
  readonly filmTitle: string;
  readonly placeName: string;
  readonly startsAt: string;
  readonly timeZone: string;
}

type Attachment = MailMessage['attachments'][number];

// Four short mails need no template engine; names and titles come from users, so escape them.
const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function compose(
  facts: BookingMailFacts,
  subject: string,
  paragraphs: readonly string[],
  extra: { htmlTail?: string; textTail?: string; attachments?: Attachment[] } = {},
): MailMessage {
  const greeting = `Hello ${facts.displayName},`;
  const when = localTime(facts.startsAt, facts.timeZone);
  const summary = [`Film: ${facts.filmTitle}`, `Place: ${facts.placeName}`, `When: ${when}`];
  const text = [
    greeting,
    '',
    ...paragraphs.flatMap((p) => [p, '']),
    ...summary,
    extra.textTail ?? '',
  ]
    .join('\n')
    .trimEnd();
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<p>${escapeHtml(greeting)}</p>`,
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    '<table>',
    ...[
      ['Film', facts.filmTitle],
      ['Place', facts.placeName],
      ['When', when],
    ].map(([k, v]) => `<tr><th align="left">${k}</th><td>${escapeHtml(v ?? '')}</td></tr>`),
    '</table>',
    extra.htmlTail ?? '',
    '<p style="color:#777">cowatch</p></body></html>',
  ].join('\n');
  return {
    to: facts.to,
    subject,
    text: `${text}\n\ncowatch\n`,
    html,
    attachments: extra.attachments ?? [],
  };
}

/** The ticket, on confirmation: code in both parts, QR code inline, printable PDF attached. */
export function ticketMail(
  facts: BookingMailFacts,
  ticket: TicketView,
  qrPng: Buffer,
  pdf: Buffer,
): MailMessage {
  const places = placesText(ticket);
  return compose(
    facts,
    `Your ticket: ${facts.filmTitle}, ${localTime(facts.startsAt, facts.timeZone)}`,
    [
      `Your booking is confirmed: ${places}. Show the QR code at the door (or the printed ticket, attached).`,
    ],
    {
      textTail: `\nSeats: ${places}\nTicket code: ${ticket.code}`,
      htmlTail: [
        `<p><strong>${escapeHtml(places)}</strong></p>`,
        '<p><img src="cid:ticket-qr" alt="Ticket QR code" width="240" height="240"></p>',
        `<p>Ticket code: <code>${escapeHtml(ticket.code)}</code></p>`,
      ].join('\n'),
      attachments: [
        {
          filename: 'ticket-qr.png',
          contentType: 'image/png',
          contentBase64: qrPng.toString('base64'),
          cid: 'ticket-qr',
        },
        {
          filename: 'ticket.pdf',
          contentType: 'application/pdf',
          contentBase64: pdf.toString('base64'),
        },
      ],
    },
  );
}

const cancellationReasons = {
  user: 'You cancelled your booking.',
  screening_cancelled: 'The host cancelled the screening, and with it your booking.',
  payment_failed: 'Your payment did not go through, so your booking was cancelled.',
} as const;

/** A booking was cancelled (by the user, the host, or a failed payment). */
export function cancellationMail(
  facts: BookingMailFacts,
  reason: keyof typeof cancellationReasons,
  refundDue: boolean,
): MailMessage {
  const refund = refundDue
    ? ['Your payment will be refunded; we will write again once it is.']
    : [];
  return compose(facts, `Booking cancelled: ${facts.filmTitle}`, [
    cancellationReasons[reason],
    ...refund,
  ]);
}

/** An unpaid hold ran out. */
export function expiryMail(facts: BookingMailFacts, expiredAt: string): MailMessage {
  return compose(facts, `Your seats were released: ${facts.filmTitle}`, [
    `Your seats were held until ${localTime(expiredAt, facts.timeZone)} and were not paid, so they are on sale again.`,
  ]);
}

/** Money went back to the payer. */
export function refundMail(
  facts: BookingMailFacts,
  amount: { readonly amount: number; readonly currency: string },
): MailMessage {
  const money = new Intl.NumberFormat('en-GB', {
    style: 'currency',
    currency: amount.currency,
  }).format(amount.amount / 100);
  return compose(facts, `Refund of ${money}: ${facts.filmTitle}`, [
    `We refunded ${money} to the card you paid with. It may take a few days to show.`,
  ]);
}
