import type { RecordedEvent, SubscribeAllOptions } from '../event-store.js';
import { type PgPosition, parsePosition, START } from './postgres-position.js';
import { EVENT_COLUMNS, type EventRow, toRecordedEvent } from './postgres-rows.js';
import { EVENTS_CHANNEL } from './postgres-schema.js';
import type { SqlClient } from './sql-client.js';

/** How the global feed reads: rows per query and the longest wait without a notification. */
export interface FeedTuning {
  readonly batchSize: number;
  readonly pollMs: number;
}

// Gap safety: a transaction still running may own a tx_id lower than events already committed,
// so only events of transactions older than the oldest running one (snapshot xmin) are read.
// Their set can no longer grow, which makes (tx_id, global_position) a stable total order.
const READ_BATCH = `SELECT ${EVENT_COLUMNS} FROM events e
  WHERE (e.tx_id, e.global_position) > ($1::xid8, $2::bigint)
    AND e.tx_id < pg_snapshot_xmin(pg_current_snapshot())
  ORDER BY e.tx_id, e.global_position
  LIMIT $3`;

/** Reads one batch of the gap-safe feed after `cursor`; never call it inside a transaction. */
export async function readFeedBatch(
  client: SqlClient,
  cursor: PgPosition,
  limit: number,
): Promise<EventRow[]> {
  const params = [`${cursor.txId}`, `${cursor.globalPosition}`, limit];
  const { rows } = await client.query<EventRow>(READ_BATCH, params);
  return rows;
}

/** The global feed after `from`: catches up in batches, then follows on NOTIFY or polling. */
export async function* followFeed(
  client: SqlClient,
  options: SubscribeAllOptions,
  tuning: FeedTuning,
): AsyncGenerator<RecordedEvent> {
  const { signal } = options;
  if (signal?.aborted) return;
  let cursor = options.from === undefined ? START : parsePosition(options.from);
  const wakeUp = new WakeUp();
  const unlisten = await client.listen(EVENTS_CHANNEL, () => wakeUp.notify());
  try {
    while (!signal?.aborted) {
      wakeUp.reset();
      const rows = await readFeedBatch(client, cursor, tuning.batchSize);
      for (const row of rows) {
        if (signal?.aborted) return;
        cursor = { txId: BigInt(row.tx_id), globalPosition: BigInt(row.global_position) };
        yield toRecordedEvent(row);
      }
      if (rows.length < tuning.batchSize) await wakeUp.wait(tuning.pollMs, signal);
    }
  } finally {
    await unlisten();
  }
}

/** A latch set by notifications: a notification between reset and wait is not lost. */
class WakeUp {
  #notified = false;
  #release: (() => void) | undefined;

  notify(): void {
    this.#notified = true;
    this.#release?.();
  }

  reset(): void {
    this.#notified = false;
  }

  wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
    if (this.#notified || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.#release = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      this.#release = done;
    });
  }
}
