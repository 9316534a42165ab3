import { sql } from 'kysely';
import type { Db, MailMessage } from '../projections/db/database.js';
import { PollingService } from '../projections/engine/background-service.js';
import type { MailTransport } from './mail-transport.js';

export interface MailSenderLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface MailSenderOptions {
  readonly db: Db;
  readonly transport: MailTransport;
  readonly logger: MailSenderLogger;
  /** How often to look for due mail when nothing wakes the sender (default 1 s). */
  readonly pollMs?: number;
  /** First pause after a failed send, doubled per attempt (default 1 s), at most `retryMaxMs`. */
  readonly retryInitialMs?: number;
  readonly retryMaxMs?: number;
  /** Attempts before a mail is given up on (default 12: about an hour of retries). */
  readonly maxAttempts?: number;
  /**
   * How long a claimed mail is reserved for its sender: a sender that dies mid-send leaves the
   * mail to be sent again after this (the at-least-once window). Default 60 s.
   */
  readonly leaseMs?: number;
  readonly batchSize?: number;
}

interface Claimed {
  readonly event_id: string;
  readonly attempts: number;
  readonly message: MailMessage;
}

/**
 * Sends the outbox's mail. Each mail is claimed (FOR UPDATE SKIP LOCKED, so several nodes share
 * the work), sent, and marked sent; a failure only reschedules that mail, with exponential
 * backoff, and the others go on. A permanent refusal (SMTP 5xx) is not retried.
 */
export class MailSender extends PollingService {
  readonly #options: MailSenderOptions;

  constructor(options: MailSenderOptions) {
    super({ pollMs: options.pollMs ?? 1_000, log: options.logger, what: 'mail sender' });
    this.#options = options;
  }

  override async stop(): Promise<void> {
    await super.stop();
    this.#options.transport.close();
  }

  /** One pass: sends every mail due now. */
  tick(): Promise<number> {
    return this.sendDue();
  }

  /** Sends every mail due now; resolves how many were sent. */
  async sendDue(): Promise<number> {
    let sent = 0;
    for (;;) {
      const claimed = await this.#claim();
      if (claimed.length === 0) return sent;
      const outcomes = await Promise.all(claimed.map((mail) => this.#send(mail)));
      sent += outcomes.filter(Boolean).length;
    }
  }

  async #claim(): Promise<Claimed[]> {
    const { db, leaseMs = 60_000, batchSize = 10 } = this.#options;
    const due = db
      .selectFrom('mail_outbox')
      .select('event_id')
      .where('sent_at', 'is', null)
      .where('failed_at', 'is', null)
      .where(sql<boolean>`next_attempt_at <= now()`)
      .orderBy('next_attempt_at')
      .limit(batchSize)
      .forUpdate()
      .skipLocked();
    return db
      .updateTable('mail_outbox')
      .set({
        attempts: sql`attempts + 1`,
        next_attempt_at: sql`now() + ${leaseMs} * interval '1 millisecond'`,
      })
      .where('event_id', 'in', due)
      .returning(['event_id', 'attempts', 'message'])
      .execute();
  }

  /** Resolves whether the mail went out. */
  async #send(mail: Claimed): Promise<boolean> {
    const { db, transport, logger } = this.#options;
    try {
      await transport.send(mail.event_id, mail.message);
    } catch (error) {
      await this.#failed(mail, error);
      return false;
    }
    await db
      .updateTable('mail_outbox')
      .set({ sent_at: sql`now()`, last_error: null })
      .where('event_id', '=', mail.event_id)
      .execute()
      .catch((error: unknown) => {
        // Sent but not recorded: sent again once the lease ends (the at-least-once window).
        logger.error({ err: error, eventId: mail.event_id }, 'mail sent but not recorded');
      });
    return true;
  }

  async #failed(mail: Claimed, error: unknown): Promise<void> {
    const {
      db,
      logger,
      maxAttempts = 12,
      retryInitialMs = 1_000,
      retryMaxMs = 600_000,
    } = this.#options;
    const code = (error as { responseCode?: unknown }).responseCode;
    const permanent = typeof code === 'number' && code >= 500 && code < 600;
    const message = error instanceof Error ? error.message : String(error);
    if (permanent || mail.attempts >= maxAttempts) {
      await db
        .updateTable('mail_outbox')
        .set({ failed_at: sql`now()`, last_error: message })
        .where('event_id', '=', mail.event_id)
        .execute();
      logger.error(
        { err: error, eventId: mail.event_id, attempts: mail.attempts, to: mail.message.to },
        'mail given up',
      );
      return;
    }
    const delayMs = Math.min(retryMaxMs, retryInitialMs * 2 ** (mail.attempts - 1));
    await db
      .updateTable('mail_outbox')
      .set({
        next_attempt_at: sql`now() + ${delayMs} * interval '1 millisecond'`,
        last_error: message,
      })
      .where('event_id', '=', mail.event_id)
      .execute();
    logger.warn(
      { err: error, eventId: mail.event_id, attempt: mail.attempts, retryInMs: delayMs },
      'mail failed; retrying',
    );
  }
}
