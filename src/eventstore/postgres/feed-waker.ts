import { EVENTS_CHANNEL } from './postgres-schema.js';
import type { SqlClient } from './sql-client.js';

/**
 * Wakes the feed's readers (every process LISTENing) after appends have committed.
 *
 * Not inside the append: a transaction that NOTIFYs takes a database-wide lock at commit and
 * keeps it through its WAL flush, so notifying appends commit one at a time and PostgreSQL
 * cannot flush them together (the hold profile waited on `Lock:object` there). A NOTIFY on
 * its own writes no WAL and lets go at once. At most one is in flight per store; appends
 * committed meanwhile are covered by one more after it. A wake-up carries no data: a lost one
 * (a crash right after a commit) costs a reader at most its poll interval.
 */
export class FeedWaker {
  readonly #client: SqlClient;
  #inFlight = false;
  #again = false;

  constructor(client: SqlClient) {
    this.#client = client;
  }

  /** Call after an append committed; returns at once. */
  wake(): void {
    if (this.#inFlight) {
      this.#again = true;
      return;
    }
    this.#inFlight = true;
    this.#client
      .query(`SELECT pg_notify('${EVENTS_CHANNEL}', '')`)
      .catch(() => undefined)
      .finally(() => {
        this.#inFlight = false;
        if (this.#again) {
          this.#again = false;
          this.wake();
        }
      });
  }
}
