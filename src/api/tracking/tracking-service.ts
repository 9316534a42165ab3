import type { FastifyBaseLogger } from 'fastify';
import { writeTrackingRows } from '../../projections/tracking/tracking-writer.js';
import type { Runtime } from '../../runtime.js';
import { GroupCommit } from './group-commit.js';

/** The group commit of tracking events on the runtime's database, sized by the config. */
export function trackingGroupCommit(runtime: Runtime, log: FastifyBaseLogger): GroupCommit {
  const { config, db } = runtime;
  return new GroupCommit({
    write: (rows) => writeTrackingRows(db, rows),
    windowMs: config.TRACKING_FLUSH_MS,
    maxBatchEvents: config.TRACKING_BATCH_EVENTS,
    maxBufferedEvents: config.TRACKING_BUFFER_EVENTS,
    maxConcurrentWrites: config.TRACKING_WRITERS,
    retryAfterSeconds: config.TRACKING_RETRY_AFTER_S,
    onError: (err) => log.error({ err }, 'tracking events could not be written'),
  });
}
