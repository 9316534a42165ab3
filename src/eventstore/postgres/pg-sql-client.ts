import type pg from 'pg';
import { PgListener } from './pg-listener.js';
import { type NotifyHandler, type SqlClient, type SqlResult, withSavepoint } from './sql-client.js';

type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

// The store runs a handful of statements, the append a large one: each connection parses and
// plans each once (a named prepared statement) instead of on every call.
const MAX_PREPARED = 64;
const statementNames = new Map<string, string>();

function statementName(sql: string): string | undefined {
  let name = statementNames.get(sql);
  if (name === undefined && statementNames.size < MAX_PREPARED) {
    name = `cowatch_store_${statementNames.size}`;
    statementNames.set(sql, name);
  }
  return name;
}

async function run<R>(
  target: Queryable,
  sql: string,
  params: readonly unknown[] = [],
): Promise<SqlResult<R>> {
  // Transaction control and statements without parameters go as they are (simple protocol).
  const name = params.length > 0 ? statementName(sql) : undefined;
  const result = await target.query({ text: sql, values: [...params], ...(name ? { name } : {}) });
  // The caller names the row shape; pg cannot check it either.
  return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
}

/** Options of {@link PgSqlClient}. */
export interface PgSqlClientOptions {
  /** End the pool on close (default false: whoever created the pool ends it). */
  readonly ownsPool?: boolean;
}

/** A {@link SqlClient} over a `pg.Pool`: one checked-out client per transaction. */
export class PgSqlClient implements SqlClient {
  readonly #pool: pg.Pool;
  readonly #ownsPool: boolean;
  readonly #listener: PgListener;

  constructor(pool: pg.Pool, options: PgSqlClientOptions = {}) {
    this.#pool = pool;
    this.#ownsPool = options.ownsPool ?? false;
    this.#listener = new PgListener(pool);
  }

  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]) {
    return run<R>(this.#pool, sql, params);
  }

  async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    let broken: Error | boolean = false;
    try {
      await client.query('BEGIN');
      const result = await fn(new PgTransactionClient(client, this, 0));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        // A connection that cannot roll back must not go back to the pool.
        broken = rollbackError instanceof Error ? rollbackError : true;
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  listen(channel: string, onNotify: NotifyHandler): Promise<() => Promise<void>> {
    return this.#listener.add(channel, onNotify);
  }

  async close(): Promise<void> {
    await this.#listener.close();
    if (this.#ownsPool) await this.#pool.end();
  }
}

/** The client handed to a transaction callback: every statement runs on the transaction's connection. */
class PgTransactionClient implements SqlClient {
  constructor(
    private readonly client: pg.PoolClient,
    private readonly root: PgSqlClient,
    private readonly depth: number,
  ) {}

  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]) {
    return run<R>(this.client, sql, params);
  }

  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    const nested = new PgTransactionClient(this.client, this.root, this.depth + 1);
    return withSavepoint(this, this.depth + 1, () => fn(nested));
  }

  listen(channel: string, onNotify: NotifyHandler): Promise<() => Promise<void>> {
    // LISTEN inside a transaction only takes effect at commit; the shared listener is immediate.
    return this.root.listen(channel, onNotify);
  }

  async close(): Promise<void> {}
}
