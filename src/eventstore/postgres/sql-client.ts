/** Rows of one statement and the number of rows it returned or changed. */
export interface SqlResult<R> {
  readonly rows: R[];
  readonly rowCount: number;
}

/** Called on each notification; the payload is a hint only, never data that must arrive. */
export type NotifyHandler = (payload: string) => void;

/** The minimal SQL connection the PostgreSQL event store needs, over `pg` or PGlite. */
export interface SqlClient {
  /** Runs one statement with `$n` parameters. */
  query<R = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<SqlResult<R>>;
  /** Runs `fn` in a transaction (a savepoint when already inside one); rolls back if it throws. */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  /** Listens on a channel; resolves to the function that stops listening. */
  listen(channel: string, onNotify: NotifyHandler): Promise<() => Promise<void>>;
  /** Releases what this client owns (a no-op on a transaction client). */
  close(): Promise<void>;
}

/** Runs `fn` inside a savepoint of an open transaction: nested use without a second connection. */
export async function withSavepoint<T>(
  tx: SqlClient,
  depth: number,
  fn: () => Promise<T>,
): Promise<T> {
  const name = `cowatch_sp_${depth}`;
  await tx.query(`SAVEPOINT ${name}`);
  try {
    const result = await fn();
    await tx.query(`RELEASE SAVEPOINT ${name}`);
    return result;
  } catch (error) {
    await tx.query(`ROLLBACK TO SAVEPOINT ${name}`);
    throw error;
  }
}
