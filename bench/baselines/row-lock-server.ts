/**
 * The naive design the bench compares cowatch with (issue 12): a hold is `BEGIN; SELECT … FOR
 * UPDATE` on the screening row; insert the booking; update the count; `COMMIT`. Fastify, pg,
 * zod and JWT (jose, HS256, the same tokens as cowatch's), and nothing else: no event log, no
 * projections, no idempotency keys, no rate limits, no request log.
 *
 * Run: `node --import tsx bench/baselines/row-lock-server.ts` with PORT, DATABASE_URL,
 * DATABASE_SCHEMA (created if missing) and JWT_SECRET.
 */
import { createSecretKey, randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import { errors, jwtVerify } from 'jose';
import pg from 'pg';
import { z } from 'zod';

/** One screening as the baseline stores it: the capacity and the places already held. */
export interface BaselineScreening {
  readonly id: string;
  readonly filmId: string;
  readonly hostId: string;
  readonly placeId: string;
  readonly startsAt: Date;
  readonly capacity: number;
}

const SCHEMA_SQL = `
  CREATE TABLE IF NOT EXISTS screenings (
    id uuid PRIMARY KEY, film_id uuid NOT NULL, host_id uuid NOT NULL, place_id uuid NOT NULL,
    starts_at timestamptz NOT NULL, capacity integer NOT NULL, held integer NOT NULL DEFAULT 0);
  CREATE INDEX IF NOT EXISTS screenings_film_idx ON screenings (film_id, starts_at, id);
  CREATE INDEX IF NOT EXISTS screenings_host_idx ON screenings (host_id, starts_at, id);
  CREATE INDEX IF NOT EXISTS screenings_place_idx ON screenings (place_id, starts_at, id);
  CREATE TABLE IF NOT EXISTS bookings (
    id uuid PRIMARY KEY, screening_id uuid NOT NULL REFERENCES screenings (id),
    user_id uuid NOT NULL, quantity integer NOT NULL, created_at timestamptz NOT NULL DEFAULT now());`;

/** Creates the baseline's two tables (idempotent). */
export async function createBaselineSchema(pool: pg.Pool): Promise<void> {
  await pool.query(SCHEMA_SQL);
}

/** Copies screenings in, e.g. the ones the bench scheduled on cowatch, so both serve the same. */
export async function insertScreenings(
  pool: pg.Pool,
  screenings: readonly BaselineScreening[],
): Promise<void> {
  await pool.query(
    `INSERT INTO screenings (id, film_id, host_id, place_id, starts_at, capacity)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::timestamptz[], $6::int[])
     ON CONFLICT (id) DO NOTHING`,
    [
      screenings.map((s) => s.id),
      screenings.map((s) => s.filmId),
      screenings.map((s) => s.hostId),
      screenings.map((s) => s.placeId),
      screenings.map((s) => s.startsAt),
      screenings.map((s) => s.capacity),
    ],
  );
}

const holdBody = z.object({ screeningId: z.uuid(), quantity: z.number().int().min(1).max(10) });
const searchQuery = z
  .object({ filmId: z.uuid(), hostId: z.uuid(), placeId: z.uuid() })
  .partial()
  .refine((q) => Object.keys(q).length === 1, 'exactly one of filmId, hostId, placeId');
const COLUMN = { filmId: 'film_id', hostId: 'host_id', placeId: 'place_id' } as const;

const problem = (status: number, code: string) => ({ status, code });

/** The baseline's Fastify app on `pool` (whose search_path is the baseline's schema). */
export function buildBaseline(pool: pg.Pool, jwtSecret: string): FastifyInstance {
  const key = createSecretKey(Buffer.from(jwtSecret, 'utf8'));
  const app = Fastify({ logger: false });

  app.post('/api/bookings', async (request, reply) => {
    const token = request.headers.authorization?.replace(/^Bearer /, '') ?? '';
    let userId: string | undefined;
    try {
      const { payload } = await jwtVerify(token, key, { issuer: 'cowatch', algorithms: ['HS256'] });
      userId = payload.sub;
    } catch (error) {
      if (!(error instanceof errors.JOSEError)) throw error;
    }
    if (!userId) return reply.code(401).send(problem(401, 'unauthorized'));
    const body = holdBody.safeParse(request.body);
    if (!body.success) return reply.code(400).send(problem(400, 'validation_failed'));
    const { screeningId, quantity } = body.data;
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ capacity: number; held: number }>(
        'SELECT capacity, held FROM screenings WHERE id = $1 FOR UPDATE',
        [screeningId],
      );
      const screening = rows[0];
      if (!screening) {
        await client.query('ROLLBACK');
        return reply.code(404).send(problem(404, 'screening_not_found'));
      }
      if (screening.held + quantity > screening.capacity) {
        await client.query('ROLLBACK');
        return reply.code(409).send(problem(409, 'sold_out'));
      }
      const id = randomUUID();
      await client.query(
        'INSERT INTO bookings (id, screening_id, user_id, quantity) VALUES ($1, $2, $3, $4)',
        [id, screeningId, userId, quantity],
      );
      await client.query('UPDATE screenings SET held = held + $2 WHERE id = $1', [
        screeningId,
        quantity,
      ]);
      await client.query('COMMIT');
      return reply.code(201).send({ id, screeningId, quantity, status: 'PENDING' });
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  });

  app.get('/api/screenings', async (request, reply) => {
    const query = searchQuery.safeParse(request.query);
    if (!query.success) return reply.code(400).send(problem(400, 'validation_failed'));
    const [name, value] = Object.entries(query.data)[0] as [keyof typeof COLUMN, string];
    const { rows } = await pool.query(
      `SELECT id, film_id AS "filmId", host_id AS "hostId", place_id AS "placeId",
         starts_at AS "startsAt", capacity, capacity - held AS "seatsAvailable"
       FROM screenings WHERE ${COLUMN[name]} = $1 ORDER BY starts_at, id LIMIT 20`,
      [value],
    );
    return { items: rows };
  });

  app.get('/health/ready', async () => ({ status: 'ok' }));
  return app;
}

async function main(): Promise<void> {
  const env = z
    .object({
      PORT: z.coerce.number().int().default(3100),
      HOST: z.string().default('127.0.0.1'),
      DATABASE_URL: z.string(),
      DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/),
      JWT_SECRET: z.string().min(32),
      POOL_SIZE: z.coerce.number().int().default(20),
    })
    .parse(process.env);
  const setup = new pg.Client({ connectionString: env.DATABASE_URL });
  await setup.connect();
  await setup.query(`CREATE SCHEMA IF NOT EXISTS ${env.DATABASE_SCHEMA}`);
  await setup.end();
  const pool = new pg.Pool({
    connectionString: env.DATABASE_URL,
    options: `-c search_path=${env.DATABASE_SCHEMA}`,
    max: env.POOL_SIZE,
  });
  await createBaselineSchema(pool);
  const app = buildBaseline(pool, env.JWT_SECRET);
  await app.listen({ port: env.PORT, host: env.HOST });
  const stop = async () => {
    await app.close();
    await pool.end();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
