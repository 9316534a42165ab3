import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { type ParsedMail, simpleParser } from 'mailparser';
import QRCode from 'qrcode';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAIL_REACTOR } from '../../src/mail/mail-reactor.js';
import { waitForPosition } from '../../src/projections/engine/checkpoints.js';
import { TicketCodes } from '../../src/tickets/ticket-codes.js';
import { localTime } from '../../src/tickets/ticket-view.js';
import { registerUser, startTestApp, type TestApp, type TestUser } from '../support/app.js';
import { createBooking, createScreening } from '../support/screenings.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const TICKET_KEYS = 'mail1:mail-secret-mail-secret';
const codes = new TicketCodes([{ id: 'mail1', secret: 'mail-secret-mail-secret' }]);
const TIME_ZONE = 'America/New_York';

/** A real SMTP server in the test process; it can refuse for a while, or refuse some addresses. */
class Inbox {
  readonly messages: ParsedMail[] = [];
  /** How many DATA commands to answer with a temporary failure (451) before accepting. */
  failNext = 0;
  refusals = 0;
  readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo: (address, _session, callback) => {
      if (address.address.startsWith('bounce')) {
        return callback(Object.assign(new Error('no such mailbox'), { responseCode: 550 }));
      }
      callback();
    },
    onData: (stream, _session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (this.failNext > 0) {
          this.failNext -= 1;
          this.refusals += 1;
          callback(Object.assign(new Error('try again later'), { responseCode: 451 }));
          return;
        }
        simpleParser(Buffer.concat(chunks), { keepCidLinks: true }).then(
          (mail) => {
            this.messages.push(mail);
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `smtp://127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
  }

  to(user: TestUser): ParsedMail[] {
    return this.messages.filter((m) => addressOf(m) === user.email);
  }

  async waitFor(user: TestUser, count: number, timeoutMs = 20_000): Promise<ParsedMail[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.to(user).length < count && Date.now() < deadline) await sleep(50);
    return this.to(user);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function addressOf(mail: ParsedMail): string | undefined {
  const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
  return to?.value[0]?.address;
}

let inbox: Inbox;
let smtpUrl: string;
let t: TestApp;
let app: FastifyInstance;
let host: TestUser;

beforeAll(async () => {
  inbox = new Inbox();
  smtpUrl = await inbox.listen();
  t = await startTestApp({
    SMTP_URL: smtpUrl,
    TICKET_KEYS,
    DEFAULT_TIME_ZONE: TIME_ZONE,
  });
  app = t.app;
  host = await registerUser(app, 'Host');
});
afterAll(async () => {
  await t?.close();
  await inbox?.close();
});

const screening = (amount = 0) =>
  createScreening(t, host, { amount, currency: 'USD', startsInDays: 3 });

const book = (user: TestUser, screeningId: string) =>
  createBooking(app, user, screeningId, { quantity: 2 });

async function outboxRow(bookingUser: TestUser) {
  return t.runtime.db
    .selectFrom('mail_outbox')
    .selectAll()
    .where('recipient', '=', bookingUser.email)
    .execute();
}

/** Waits until the sender has recorded the user's mail as sent. */
async function sentRecorded(user: TestUser): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const rows = await outboxRow(user);
    if (rows.length > 0 && rows.every((row) => row.sent_at !== null)) return;
    await sleep(25);
  }
  expect.fail(`the mail to ${user.email} was not recorded as sent`);
}

describe('mail', () => {
  it('sends the ticket on confirmation: code, QR code, PDF, name, local time', async () => {
    const viewer = await registerUser(app, 'Katherine Johnson');
    const show = await screening();
    const booking = await book(viewer, show.id);
    expect(booking.status).toBe('CONFIRMED');

    const [mail] = await inbox.waitFor(viewer, 1);
    expect(mail, 'the ticket arrived').toBeDefined();
    if (!mail) return;
    expect(mail.subject).toMatch(/^Your ticket: /);
    expect(mail.messageId).toMatch(/@cowatch>$/);
    const code = /Ticket code: (T1\.\S+)/.exec(mail.text ?? '')?.[1] ?? '';
    expect(codes.verify(code)).toBe(booking.id);
    expect(mail.text).toContain('Hello Katherine Johnson,');
    expect(mail.text).toContain(`When: ${localTime(show.startsAt, TIME_ZONE)}`);
    // New York time, not UTC.
    expect(localTime(show.startsAt, TIME_ZONE)).toMatch(/GMT-[45]$/);
    expect(mail.text).toContain('2 places');
    expect(mail.html).toContain('Hello Katherine Johnson,');
    expect(mail.html).toContain(code);

    const qr = mail.attachments.find((a) => a.filename === 'ticket-qr.png');
    expect(qr?.contentType).toBe('image/png');
    expect(mail.html).toContain(`src="cid:${qr?.cid}"`);
    // The attached image is the QR code of exactly this code.
    const expected = await QRCode.toBuffer(code, {
      type: 'png',
      errorCorrectionLevel: 'M',
      margin: 2,
      scale: 6,
    });
    expect(qr?.content.equals(expected)).toBe(true);
    const pdf = mail.attachments.find((a) => a.filename === 'ticket.pdf');
    expect(pdf?.contentType).toBe('application/pdf');
    expect(pdf?.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('tells the user of a cancellation and of an expired hold', async () => {
    const viewer = await registerUser(app, 'Viewer');
    const free = await book(viewer, (await screening()).id);
    const cancel = await app.inject({
      method: 'POST',
      url: `/api/bookings/${free.id}/cancel`,
      headers: { ...viewer.auth, 'x-min-position': free.position },
    });
    expect(cancel.statusCode).toBe(200);
    const paid = await book(viewer, (await screening(1500)).id);
    expect(paid.status).toBe('PENDING');
    t.clock.advance(16 * 60_000);
    await app.holdExpiry?.tick();

    const mails = await inbox.waitFor(viewer, 3);
    expect(mails.map((m) => m.subject?.split(':')[0]).sort()).toEqual([
      'Booking cancelled',
      'Your seats were released',
      'Your ticket',
    ]);
    const cancelled = mails.find((m) => m.subject?.startsWith('Booking cancelled'));
    expect(cancelled?.text).toContain('You cancelled your booking.');
    expect(cancelled?.html).toMatch(/<p>You cancelled your booking\.<\/p>/);
  });

  it('retries a refused send with backoff until the server takes it, and sends it once', async () => {
    const viewer = await registerUser(app, 'Patient');
    inbox.failNext = 2;
    await book(viewer, (await screening()).id);
    const mails = await inbox.waitFor(viewer, 1, 30_000);
    expect(mails).toHaveLength(1);
    expect(inbox.refusals).toBeGreaterThanOrEqual(2);
    // Nothing more follows.
    await sleep(2500);
    expect(inbox.to(viewer)).toHaveLength(1);
    const [row] = await outboxRow(viewer);
    expect(row?.attempts).toBe(3);
    expect(row?.sent_at).not.toBeNull();
  });

  it('gives up on an address the server refuses for good without holding up other mail', async () => {
    const bounce = await registerUser(app, 'Bounce');
    const viewer = await registerUser(app, 'Viewer');
    await book(bounce, (await screening()).id);
    await book(viewer, (await screening()).id);
    expect(await inbox.waitFor(viewer, 1)).toHaveLength(1);
    const deadline = Date.now() + 10_000;
    let rows = await outboxRow(bounce);
    while (rows[0]?.failed_at == null && Date.now() < deadline) {
      await sleep(50);
      rows = await outboxRow(bounce);
    }
    expect(rows[0]?.failed_at).not.toBeNull();
    expect(rows[0]?.attempts).toBe(1);
    expect(rows[0]?.last_error).toMatch(/no such mailbox/);
  });

  it('does not send again after a crash between sending and the checkpoint', async () => {
    const viewer = await registerUser(app, 'Once');
    await book(viewer, (await screening()).id);
    expect(await inbox.waitFor(viewer, 1)).toHaveLength(1);
    await sentRecorded(viewer);
    await t.stop();
    // The crash: the reactor's checkpoint never moved past the events it mailed for.
    await t.runtime.db
      .deleteFrom('projection_checkpoints')
      .where('name', '=', MAIL_REACTOR)
      .execute()
      .catch(() => undefined);
    t = await startTestApp({}, { restartOf: t });
    app = t.app;
    const head = await t.runtime.store.headPosition();
    expect(head).toBeDefined();
    const caughtUp = await waitForPosition(t.runtime.db, t.runtime.store, [MAIL_REACTOR], head!, {
      timeoutMs: 30_000,
    });
    expect(caughtUp).toBe(true);
    await sleep(1500);
    expect(inbox.to(viewer)).toHaveLength(1);
  });

  it('sends again, as the same message, only what a crash left unrecorded (the window)', async () => {
    const viewer = await registerUser(app, 'Twice');
    await book(viewer, (await screening()).id);
    const [first] = await inbox.waitFor(viewer, 1);
    await sentRecorded(viewer);
    // A sender that died after the SMTP server took the mail, before recording it, once its lease ended:
    await t.runtime.db
      .updateTable('mail_outbox')
      .set({ sent_at: null, next_attempt_at: new Date(Date.now() - 1000) })
      .where('recipient', '=', viewer.email)
      .execute();
    const mails = await inbox.waitFor(viewer, 2);
    expect(mails).toHaveLength(2);
    expect(mails[1]?.messageId).toBe(first?.messageId);
    await sleep(1500);
    expect(inbox.to(viewer)).toHaveLength(2);
  });
});
