import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Gauge, type Registry } from 'prom-client';
import { writeTrackingRows } from '../../projections/tracking/tracking-writer.js';
import type { Runtime } from '../../runtime.js';
import { GroupCommit } from './group-commit.js';

/**
 * The group commit of tracking events on the runtime's database, sized by the config, with its
 * series on /metrics: events waiting or being written, and events by outcome.
 */
export function trackingGroupCommit(
  runtime: Runtime,
  log: FastifyBaseLogger,
  registry: Registry,
): GroupCommit {
  const { config, db } = runtime;
  const events = new Counter({
    name: 'cowatch_tracking_events_total',
    help: 'Tracking events by outcome: stored, duplicate (already stored) or refused (503)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const writer = new GroupCommit({
    write: async (rows) => {
      const stored = await writeTrackingRows(db, rows);
      events.inc({ outcome: 'stored' }, stored.size);
      events.inc({ outcome: 'duplicate' }, rows.length - stored.size);
      return stored;
    },
    windowMs: config.TRACKING_FLUSH_MS,
    maxBatchEvents: config.TRACKING_BATCH_EVENTS,
    maxBufferedEvents: config.TRACKING_BUFFER_EVENTS,
    maxConcurrentWrites: config.TRACKING_WRITERS,
    retryAfterSeconds: config.TRACKING_RETRY_AFTER_S,
    onError: (err) => log.error({ err }, 'tracking events could not be written'),
    onRefused: (count) => events.inc({ outcome: 'refused' }, count),
  });
  new Gauge({
    name: 'cowatch_tracking_buffered_events',
    help: 'Tracking events waiting for or in a group commit on this node',
    registers: [registry],
    collect() {
      this.set(writer.buffered);
    },
  });
  return writer;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The group commit of tracking events (tests read its buffer). */
    tracking: GroupCommit;
  }
}

/**
 * The tracking group commit as a plugin. Registered after the background work, so on close it
 * writes every event answered (or about to be answered) 202 while the stores are still open.
 */
export const trackingPlugin = fp(
  async (app: FastifyInstance, { runtime, registry }: { runtime: Runtime; registry: Registry }) => {
    const tracking = trackingGroupCommit(runtime, app.log, registry);
    app.decorate('tracking', tracking);
    app.addHook('onClose', () => tracking.close());
  },
  { name: 'cowatch-tracking' },
);
