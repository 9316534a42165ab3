import { z } from 'zod';
import { isTimeZone } from './tickets/time-zone.js';

const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** Unset: the embedded PGlite database in DATA_DIR. */
  DATABASE_URL: optionalUrl,
  /** Schema for events and read models on DATABASE_URL (default: the server's search_path). */
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case SQL identifier')
    .optional(),
  /**
   * Connections of this process's PostgreSQL pool, shared by appends, reads, the projector and
   * the reactors (the pg default of 10 queues requests under load).
   */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(500).default(20),
  DATA_DIR: z.string().default('./data'),
  /** Films' own video files, `<MEDIA_DIR>/<filmId>/<quality>.mp4`; unset: every film plays the sample. */
  MEDIA_DIR: optionalUrl,
  /** `esdb://…`: events go to EventStoreDB; unset: the PostgreSQL/PGlite store. */
  EVENTSTORE_URL: optionalUrl,
  /** Unset: notifications fan out in-process (one node). */
  REDIS_URL: optionalUrl,
  /** How often the server pings notification WebSockets; one unanswered ping drops the socket. */
  WS_PING_MS: z.coerce.number().int().min(10).default(30_000),
  JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters').optional(),
  /**
   * scrypt's cost (N, a power of two) for new password hashes: 2^15 takes ~80 ms of one core.
   * Stored hashes name their own cost, so a change applies to new passwords only. Lower it
   * only where passwords protect nothing (the test suite registers hundreds of users).
   */
  PASSWORD_HASH_COST: z.coerce
    .number()
    .int()
    .min(2 ** 10)
    .max(2 ** 17)
    .refine((n) => (n & (n - 1)) === 0, 'PASSWORD_HASH_COST must be a power of two')
    .default(2 ** 15),
  HOLD_TTL: z.coerce.number().int().min(1).default(900),
  /** How often the hold-expiry scheduler looks for unpaid holds that are due. */
  EXPIRY_POLL_MS: z.coerce.number().int().min(10).default(500),
  /** A room member silent this long (no message, no pong) is offline and no longer waited for. */
  ROOM_SILENT_MS: z.coerce.number().int().min(10).default(15_000),
  /** How long a play waits for a member who is buffering (after its first ready). */
  ROOM_BUFFER_WAIT_MS: z.coerce.number().int().min(0).default(10_000),
  /** How long a play waits for a member still loading (buffering, never ready yet). */
  ROOM_FIRST_LOAD_WAIT_MS: z.coerce.number().int().min(0).default(60_000),
  /** How often each node sweeps its room sockets (silence, waiting, RTT pings). */
  ROOM_SWEEP_MS: z.coerce.number().int().min(10).default(1000),
  /** An open room nobody has been online in for this long closes by itself. */
  ROOM_EMPTY_CLOSE_MS: z.coerce.number().int().min(1000).default(600_000),
  /** How often the room closer looks for rooms whose film ended or that stayed empty. */
  ROOM_CLOSE_POLL_MS: z.coerce.number().int().min(10).default(5000),
  BILLING: z.enum(['simulated', 'stripe']).default('simulated'),
  STRIPE_SECRET_KEY: z.string().optional(),
  STRIPE_WEBHOOK_SECRET: z.string().optional(),
  /** Simulated billing: delay of each call to the simulated service. */
  SIMULATED_BILLING_LATENCY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  /** Simulated billing: share of calls that fail transiently (the billing reactor retries). */
  SIMULATED_BILLING_FAILURE_RATE: z.coerce.number().min(0).max(0.99).default(0),
  /** Signs the simulated service's webhooks; default derived from the JWT secret (all nodes agree). */
  BILLING_WEBHOOK_SECRET: z.string().min(16).optional(),
  /** Stripe API base URL (`http://127.0.0.1:12111`): a local fake or mock; default api.stripe.com. */
  STRIPE_API_BASE: optionalUrl.pipe(z.url().optional()),
  /** Longest a client may take to send a whole request (headers and body); then 408. */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /** Longest a client may take to send the request headers (at most REQUEST_TIMEOUT_MS). */
  HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /** How long an idle keep-alive connection stays open between requests. */
  KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(72_000),
  /** Open connections (WebSockets included) beyond which new ones are closed at once. */
  MAX_CONNECTIONS: z.coerce.number().int().min(1).default(10_000),
  /**
   * Ticket signing keys, `id:secret[,id:secret…]`, newest first: the first signs, all verify (so
   * a rotated-out key still admits the tickets it signed). Unset: one derived from the JWT secret.
   */
  TICKET_KEYS: optionalUrl.pipe(
    z
      .string()
      .regex(
        /^\s*[a-z0-9]{1,8}:[^,\s]{16,}\s*(,\s*[a-z0-9]{1,8}:[^,\s]{16,}\s*)*$/,
        'id:secret pairs (id 1–8 of a-z0-9, secret at least 16 characters), comma-separated',
      )
      .optional(),
  ),
  /** `smtp://user:pass@host:port` (or smtps://): where mail goes; unset, mail is only logged. */
  SMTP_URL: optionalUrl,
  /** IANA time zone tickets and e-mails show a screening's times in. */
  DEFAULT_TIME_ZONE: z
    .string()
    .default('UTC')
    .refine(isTimeZone, 'an IANA time zone, e.g. Europe/Paris'),
  /** The From of every mail cowatch sends. */
  MAIL_FROM: z.string().default('cowatch <tickets@cowatch.invalid>'),
  /** How often expired (24 h old) idempotency keys are deleted. */
  IDEMPOTENCY_SWEEP_MS: z.coerce.number().int().min(10).default(3_600_000),
  /** Tracking group commit: how long a group waits for more requests before it is written. */
  TRACKING_FLUSH_MS: z.coerce.number().int().min(0).max(1_000).default(5),
  /** Tracking group commit: a group is written at once when it holds this many events. */
  TRACKING_BATCH_EVENTS: z.coerce.number().int().min(1).max(50_000).default(5_000),
  /** Tracking events waiting or being written, at most; beyond, ingest answers 503. */
  TRACKING_BUFFER_EVENTS: z.coerce.number().int().min(1).default(100_000),
  /** Tracking groups written at once (database connections used by ingest). */
  TRACKING_WRITERS: z.coerce.number().int().min(1).max(32).default(4),
  /** Retry-After (seconds) of a 503 from tracking ingest. */
  TRACKING_RETRY_AFTER_S: z.coerce.number().int().min(1).max(3_600).default(1),
  /** Daily partitions of tracking events created ahead of today. */
  TRACKING_PARTITIONS_AHEAD: z.coerce.number().int().min(1).max(366).default(7),
  /** Days of tracking events kept attached; older partitions are detached. 0: keep all. */
  TRACKING_RETENTION_DAYS: z.coerce.number().int().min(0).default(0),
  /** How often the tracking rollups (analytics) of today and yesterday are refreshed. */
  TRACKING_ROLLUP_MS: z.coerce.number().int().min(10).default(60_000),
  /** How often tracking partitions are created ahead and old ones detached. */
  TRACKING_MAINTENANCE_MS: z.coerce.number().int().min(10).default(3_600_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  RATE_LIMIT: z.enum(['on', 'off']).default('on'),
  /** Which parts run in this process: the API, the projector and reactors, or both. */
  ROLE: z.enum(['all', 'serve', 'project']).default('all'),
});

/** Validated configuration from the environment. */
export type Config = z.infer<typeof configSchema>;

/** Reads and validates the environment; throws a readable error listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  if (parsed.data.HEADERS_TIMEOUT_MS > parsed.data.REQUEST_TIMEOUT_MS) {
    throw new Error('invalid configuration: HEADERS_TIMEOUT_MS must not exceed REQUEST_TIMEOUT_MS');
  }
  if (parsed.data.BILLING === 'stripe' && !parsed.data.STRIPE_SECRET_KEY) {
    throw new Error('invalid configuration: BILLING=stripe needs STRIPE_SECRET_KEY');
  }
  return parsed.data;
}
