import type { PGliteInterface, Results, Transaction } from '@electric-sql/pglite';
import { type NotifyHandler, type SqlClient, type SqlResult, withSavepoint } from './sql-client.js';

type Queryable = Pick<PGliteInterface, 'query'> | Pick<Transaction, 'query'>;

async function run<R>(
  target: Queryable,
  sql: string,
  params: readonly unknown[] = [],
): Promise<SqlResult<R>> {
  const result: Results<R> = await target.query<R>(sql, [...params]);
  return { rows: result.rows, rowCount: result.rowCount ?? result.affectedRows ?? 0 };
}

/** Options of {@link PgliteSqlClient}. */
export interface PgliteSqlClientOptions {
  /** Close the PGlite instance on close (default false). */
  readonly ownsDb?: boolean;
}

/**
 * A {@link SqlClient} over one PGlite instance. PGlite is a single connection that serialises
 * its transactions; nested transactions become savepoints so they never wait on themselves.
 */
export class PgliteSqlClient implements SqlClient {
  readonly #db: PGliteInterface;
  readonly #ownsDb: boolean;

  constructor(db: PGliteInterface, options: PgliteSqlClientOptions = {}) {
    this.#db = db;
    this.#ownsDb = options.ownsDb ?? false;
  }

  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]) {
    return run<R>(this.#db, sql, params);
  }

  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    return this.#db.transaction((tx) => fn(new PgliteTransactionClient(tx, 0)));
  }

  async listen(channel: string, onNotify: NotifyHandler): Promise<() => Promise<void>> {
    const unlisten = await this.#db.listen(channel, onNotify);
    return async () => {
      if (!this.#db.closed) await unlisten();
    };
  }

  async close(): Promise<void> {
    if (this.#ownsDb && !this.#db.closed) await this.#db.close();
  }
}

/**
 * The client handed to a transaction callback. Using the PGlite instance itself in here would
 * wait for the very transaction that is running, so everything goes through `tx`.
 */
class PgliteTransactionClient implements SqlClient {
  constructor(
    private readonly tx: Transaction,
    private readonly depth: number,
  ) {}

  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]) {
    return run<R>(this.tx, sql, params);
  }

  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    const nested = new PgliteTransactionClient(this.tx, this.depth + 1);
    return withSavepoint(this, this.depth + 1, () => fn(nested));
  }

  async listen(channel: string, onNotify: NotifyHandler): Promise<() => Promise<void>> {
    const unlisten = await this.tx.listen(channel, onNotify);
    return () => unlisten();
  }

  async close(): Promise<void> {}
}
