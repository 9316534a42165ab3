import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { CommandObserver } from '../../commands/decider-handler.js';

/** The Prometheus series of one app instance (its own registry: tests run several apps). */
export interface Metrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly commands: CommandObserver;
  /** Records a committed projection batch: the delay from each event's append to now. */
  observeProjected(projection: string, events: readonly { readonly createdAt: Date }[]): void;
  /** Sets the source of the projection-lag gauge: seconds behind, by projection name. */
  measureProjectionLag(measure: () => Promise<ReadonlyMap<string, number>>): void;
  /** Sets the source of the stuck-projection gauge: the projections that cannot apply an event. */
  measureStuckProjections(
    measure: () => Promise<readonly { projector: string; projection: string }[]>,
  ): void;
  /** Sets the source of the open-WebSocket gauge. */
  countOpenSockets(count: () => number): void;
}

/** Creates the registry and every series cowatch exposes on /metrics. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cowatch_process_' });
  const httpDuration = new Histogram({
    name: 'cowatch_http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const outcomes = new Counter({
    name: 'cowatch_command_outcomes_total',
    help: 'Commands handled, by aggregate, command and outcome (ok, noop, refused code, error)',
    labelNames: ['aggregate', 'command', 'outcome'] as const,
    registers: [registry],
  });
  const conflicts = new Counter({
    name: 'cowatch_command_conflicts_total',
    help: 'Appends that met a newer stream revision (optimistic concurrency conflicts)',
    labelNames: ['aggregate'] as const,
    registers: [registry],
  });
  const retries = new Counter({
    name: 'cowatch_command_retries_total',
    help: 'Batches decided again after a conflict or a stale cache',
    labelNames: ['aggregate'] as const,
    registers: [registry],
  });
  const batchSize = new Histogram({
    name: 'cowatch_command_batch_size',
    help: 'Commands decided together per append on one stream',
    labelNames: ['aggregate'] as const,
    buckets: [1, 2, 5, 10, 20, 50, 100],
    registers: [registry],
  });
  let lagSource: () => Promise<ReadonlyMap<string, number>> = async () => new Map();
  new Gauge({
    name: 'cowatch_projection_lag_seconds',
    help: 'How long each projection or reactor has been behind the head of the log (0: caught up)',
    labelNames: ['projection'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const [projection, seconds] of await lagSource()) this.set({ projection }, seconds);
    },
  });
  const projectionDelay = new Histogram({
    name: 'cowatch_projection_delay_seconds',
    help: 'Delay from an event being appended to its projection committing',
    labelNames: ['projection'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  let stuckSource: () => Promise<readonly { projector: string; projection: string }[]> =
    async () => [];
  new Gauge({
    name: 'cowatch_projection_stuck',
    help: 'Projections stuck on an event they cannot apply (1 each); the others go on. See /health/ready',
    labelNames: ['projector', 'projection'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const { projector, projection } of await stuckSource()) {
        this.set({ projector, projection }, 1);
      }
    },
  });
  let openSockets: () => number = () => 0;
  new Gauge({
    name: 'cowatch_websockets_open',
    help: 'Open WebSocket connections on this node',
    registers: [registry],
    collect() {
      this.set(openSockets());
    },
  });
  return {
    registry,
    httpDuration,
    commands: {
      outcome: (aggregate, command, outcome) => outcomes.inc({ aggregate, command, outcome }),
      conflict: (aggregate) => conflicts.inc({ aggregate }),
      retry: (aggregate) => retries.inc({ aggregate }),
      batch: (aggregate, size) => batchSize.observe({ aggregate }, size),
    },
    observeProjected(projection, events) {
      const now = Date.now();
      for (const event of events)
        projectionDelay.observe({ projection }, (now - event.createdAt.getTime()) / 1000);
    },
    measureProjectionLag(measure) {
      lagSource = measure;
    },
    measureStuckProjections(measure) {
      stuckSource = measure;
    },
    countOpenSockets(count) {
      openSockets = count;
    },
  };
}
