import nodemailer from 'nodemailer';
import type { MailMessage } from '../projections/db/database.js';

/** Sends one rendered mail; rejects with the SMTP error (its `responseCode`) when refused. */
export interface MailTransport {
  send(eventId: string, message: MailMessage): Promise<void>;
  close(): void;
}

export interface MailLogger {
  info(details: object, message: string): void;
}

/**
 * Nodemailer over SMTP_URL; without one, mail is written to the log (development, tests).
 * The Message-ID comes from the event, so a mail sent twice (the at-least-once window) is
 * recognisably the same message.
 */
export function mailTransport(
  smtpUrl: string | undefined,
  from: string,
  logger: MailLogger,
): MailTransport {
  const transporter = smtpUrl
    ? nodemailer.createTransport(smtpUrl)
    : nodemailer.createTransport({ jsonTransport: true });
  return {
    async send(eventId, message) {
      const info = await transporter.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId: `<${eventId}@cowatch>`,
        attachments: message.attachments.map((a) => ({
          filename: a.filename,
          contentType: a.contentType,
          content: Buffer.from(a.contentBase64, 'base64'),
          ...(a.cid ? { cid: a.cid } : {}),
        })),
      });
      if (!smtpUrl) {
        logger.info(
          { eventId, to: message.to, subject: message.subject, text: message.text },
          'mail (SMTP_URL unset: logged, not sent)',
        );
      } else {
        logger.info({ eventId, messageId: info.messageId, response: info.response }, 'mail sent');
      }
    },
    close() {
      transporter.close();
    },
  };
}
