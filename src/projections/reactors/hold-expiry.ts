import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import { expireBooking } from '../../commands/booking-commands.js';
import type { CommandContext } from '../../commands/command-context.js';
import { DomainError } from '../../domain/errors.js';
import type { Db } from '../db/database.js';
import { withProjectorLock } from '../engine/advisory-lock.js';
import { PollingService } from '../engine/background-service.js';

/** Names the advisory lock that keeps one active scheduler per database. */
export const HOLD_EXPIRY_LOCK = 'hold-expiry';

export interface HoldExpiryOptions {
  readonly db: Db;
  /** Runs ExpireBooking; its clock (`commands.now`) decides what is due. */
  readonly commands: CommandContext;
  readonly pollMs: number;
  readonly log: FastifyBaseLogger;
  /** Take the advisory lock for each tick (default true); correctness never depends on it. */
  readonly exclusive?: boolean;
  readonly pageSize?: number;
}

interface DueHold {
  readonly screeningId: string;
  readonly bookingId: string;
  readonly expiresAt: Date;
}

/**
 * Expires unpaid holds once their time has passed. Works from the bookings read model, so a
 * restart catches up on everything overdue; ExpireBooking carries a command id derived from the
 * booking, so a second node or a re-run appends nothing new.
 */
export class HoldExpiryScheduler extends PollingService {
  readonly #options: HoldExpiryOptions;

  constructor(options: HoldExpiryOptions) {
    // Stopping ends the tick in progress at its next page.
    super({ pollMs: options.pollMs, log: options.log, what: 'hold expiry' });
    this.#options = options;
  }

  /**
   * Expires every hold due now; resolves how many this call expired (0 when another instance
   * holds the lock). Two nodes racing on the same hold may both count it; the store has it once.
   */
  async tick(): Promise<number> {
    const { db, exclusive = true } = this.#options;
    if (!exclusive) return this.#expireDue();
    let expired = 0;
    await withProjectorLock(db, HOLD_EXPIRY_LOCK, async () => {
      expired = await this.#expireDue();
    });
    return expired;
  }

  async #expireDue(): Promise<number> {
    const { db, commands, pageSize = 200 } = this.#options;
    // One cut-off for the whole tick: paging ends even while new holds fall due.
    const now = commands.now();
    let after: DueHold | undefined;
    let expired = 0;
    do {
      const due = await dueHolds(db, now, after, pageSize);
      const outcomes = await Promise.all(due.map((hold) => this.#expire(hold)));
      expired += outcomes.filter(Boolean).length;
      after = due.length === pageSize ? due.at(-1) : undefined;
    } while (after && !this.stopping.aborted);
    return expired;
  }

  /** Resolves whether this call appended the BookingExpired event. */
  async #expire(hold: DueHold): Promise<boolean> {
    const { commands, log } = this.#options;
    const { screeningId, bookingId } = hold;
    const correlationId = `expiry:${bookingId}`;
    const metadata = { correlationId, commandId: `expire:${bookingId}` };
    try {
      const result = await expireBooking(commands, { screeningId, bookingId }, { metadata });
      if (result.events.length === 0) return false;
      log.info({ correlationId, screeningId, bookingId }, 'hold expired');
      return true;
    } catch (error) {
      // The read model and this clock can disagree by a little: the next tick settles it.
      if (error instanceof DomainError && error.code === 'hold_not_expired') return false;
      log.warn({ err: error, correlationId, bookingId }, 'could not expire hold; will retry');
      return false;
    }
  }
}

/** Pending holds whose time is up, oldest first, after `after` in (expires_at, id) order. */
async function dueHolds(
  db: Db,
  now: Date,
  after: DueHold | undefined,
  limit: number,
): Promise<DueHold[]> {
  let query = db
    .selectFrom('bookings')
    .select(['id', 'screening_id', 'expires_at'])
    // A literal, not a parameter, so the planner can match the partial index.
    .where('status', '=', sql.lit('PENDING'))
    .where('expires_at', '<=', now);
  if (after) {
    const { expiresAt, bookingId } = after;
    query = query.where((eb) =>
      eb(eb.refTuple('expires_at', 'id'), '>', eb.tuple(expiresAt, bookingId)),
    );
  }
  const rows = await query.orderBy('expires_at').orderBy('id').limit(limit).execute();
  return rows.map((row) => ({
    screeningId: row.screening_id,
    bookingId: row.id,
    expiresAt: new Date(row.expires_at),
  }));
}
