import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL the integration tests use, or undefined (unset or empty) when they must be skipped. */
export const databaseUrl: string | undefined = process.env.DATABASE_URL || undefined;

/** A fresh schema and a pool whose connections see only it. */
export interface TestSchema {
  readonly pool: pg.Pool;
  readonly schema: string;
  /** Ends the pool (if still open) and drops the schema with everything in it. */
  drop(): Promise<void>;
}

async function admin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates schema `t_<random>` on DATABASE_URL with a pool on `search_path=<schema>`. */
export async function createTestSchema(options: { max?: number } = {}): Promise<TestSchema> {
  const url = databaseUrl;
  if (url === undefined) throw new TypeError('createTestSchema needs DATABASE_URL');
  const schema = `t_${randomUUID().replaceAll('-', '')}`;
  await admin(url, (client) => client.query(`CREATE SCHEMA ${schema}`));
  const pool = new pg.Pool({
    connectionString: url,
    options: `-c search_path=${schema}`,
    // Lets a test find this schema's connections in pg_stat_activity.
    application_name: schema,
    max: options.max ?? 10,
  });
  // An idle connection killed by the server must not crash the test run.
  pool.on('error', () => undefined);
  return {
    pool,
    schema,
    async drop() {
      if (!pool.ended && !pool.ending) await pool.end();
      await admin(url, (client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
    },
  };
}
