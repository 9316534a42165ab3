import type { FastifyBaseLogger } from 'fastify';
import type { BackgroundService } from '../api/background-services.js';
import type { Runtime } from '../runtime.js';
import type { TicketCodes } from '../tickets/ticket-codes.js';
import { mailReactor } from './mail-reactor.js';
import { MailSender } from './mail-sender.js';
import { mailTransport } from './mail-transport.js';

/** The mail reactor (events → outbox) and the sender (outbox → SMTP, or the log). */
export function mailServices(
  runtime: Runtime,
  tickets: TicketCodes,
  log: FastifyBaseLogger,
): BackgroundService[] {
  const { config, db } = runtime;
  const transport = mailTransport(config.SMTP_URL, config.MAIL_FROM, log);
  const sender = new MailSender({ db, transport, logger: log });
  const reactor = mailReactor({ runtime, tickets, logger: log, queued: () => sender.wake() });
  return [sender, reactor];
}
