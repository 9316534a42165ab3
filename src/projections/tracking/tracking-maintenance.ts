import type { FastifyBaseLogger } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { detachPartitionsBefore, ensurePartitions } from './tracking-partitions.js';
import { refreshRollups } from './tracking-rollups.js';
import { utcDay } from './tracking-rows.js';

const DAY_MS = 86_400_000;

/**
 * Keeps tracking storage in shape beside the projector: daily partitions created ahead (and
 * old ones detached after TRACKING_RETENTION_DAYS), and the daily rollups analytics read
 * refreshed every TRACKING_ROLLUP_MS. Each job runs at start, then on its timer; a failure is
 * logged and tried again next time (ingest creates a missing partition itself).
 */
export class TrackingMaintenance {
  private timers: NodeJS.Timeout[] = [];
  private running: Promise<unknown> = Promise.resolve();
  private readonly queued = new Set<string>();

  constructor(
    private readonly runtime: Runtime,
    private readonly log: FastifyBaseLogger,
  ) {}

  async start(): Promise<void> {
    const { TRACKING_MAINTENANCE_MS, TRACKING_ROLLUP_MS } = this.runtime.config;
    await this.run('partitions', () => this.partitions());
    await this.run('rollups', () => this.rollups());
    this.every(TRACKING_MAINTENANCE_MS, 'partitions', () => this.partitions());
    this.every(TRACKING_ROLLUP_MS, 'rollups', () => this.rollups());
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await this.running;
  }

  /** Creates partitions ahead and detaches expired ones. */
  async partitions(): Promise<void> {
    const { db, now, config } = this.runtime;
    const today = now();
    await ensurePartitions(
      db,
      new Date(today.getTime() - DAY_MS),
      config.TRACKING_PARTITIONS_AHEAD + 1,
    );
    if (config.TRACKING_RETENTION_DAYS > 0) {
      const cutoff = utcDay(new Date(today.getTime() - config.TRACKING_RETENTION_DAYS * DAY_MS));
      const detached = await detachPartitionsBefore(db, cutoff);
      if (detached.length > 0) this.log.info({ detached }, 'tracking partitions detached');
    }
  }

  /** Refreshes the analytics rollups of the days still changing. */
  async rollups(): Promise<void> {
    await refreshRollups(this.runtime.db, this.runtime.now());
  }

  private every(ms: number, name: string, job: () => Promise<void>) {
    const timer = setInterval(() => void this.run(name, job), ms);
    timer.unref();
    this.timers.push(timer);
  }

  // One job at a time, and a job not queued again while it waits or runs (a slow rollup).
  private run(name: string, job: () => Promise<void>): Promise<unknown> {
    if (this.queued.has(name)) return this.running;
    this.queued.add(name);
    this.running = this.running
      .then(job)
      .catch((err: unknown) => {
        this.log.error({ err, job: name }, 'tracking maintenance failed');
      })
      .finally(() => this.queued.delete(name));
    return this.running;
  }
}
