import type { PGliteInterface, Transaction } from '@electric-sql/pglite';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
} from 'kysely';

/**
 * Kysely on a PGlite instance that other code (the event store) shares. PGlite is one
 * connection: a transaction opened with a raw `BEGIN` would swallow everyone else's
 * statements, so transactions go through `db.transaction`, which PGlite serialises.
 *
 * Hand-written rather than Kysely ≥ 0.29's own `PGliteDialect`: that one hands out one
 * connection behind a mutex, so a connection held for long, as the projector's advisory-lock
 * connection is for as long as it follows the feed, blocks every other query of the process
 * (tried: the projector tests on PGlite time out). Here each acquire is its own connection
 * object and only transactions are serialised, by PGlite itself.
 */
export class PgliteDialect implements Dialect {
  constructor(private readonly db: PGliteInterface) {}
  createAdapter = () => new PostgresAdapter();
  createDriver = (): Driver => new PgliteDriver(this.db);
  createIntrospector = (db: Kysely<unknown>) => new PostgresIntrospector(db);
  createQueryCompiler = () => new PostgresQueryCompiler();
}

class PgliteDriver implements Driver {
  constructor(private readonly db: PGliteInterface) {}
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return new PgliteConnection(this.db);
  }
  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PgliteConnection).begin();
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PgliteConnection).end('commit');
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PgliteConnection).end('rollback');
  }
  async releaseConnection(): Promise<void> {}
  // The instance belongs to whoever created it.
  async destroy(): Promise<void> {}
}

class Rollback extends Error {}

class PgliteConnection implements DatabaseConnection {
  private tx: Transaction | undefined;
  private finish: ((outcome: 'commit' | 'rollback') => void) | undefined;
  private done: Promise<unknown> | undefined;

  constructor(private readonly db: PGliteInterface) {}

  /** Opens `db.transaction` and keeps it open until `end` is called. */
  begin(): Promise<void> {
    return new Promise<void>((started, failed) => {
      this.done = this.db
        .transaction(async (tx) => {
          this.tx = tx;
          const outcome = await new Promise<'commit' | 'rollback'>((resolve) => {
            this.finish = resolve;
            started();
          });
          if (outcome === 'rollback') throw new Rollback();
        })
        .catch((error: unknown) => {
          if (!(error instanceof Rollback)) throw error;
        });
      this.done.catch(failed);
    });
  }

  async end(outcome: 'commit' | 'rollback'): Promise<void> {
    this.finish?.(outcome);
    try {
      await this.done;
    } finally {
      this.tx = undefined;
      this.finish = undefined;
      this.done = undefined;
    }
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const target = this.tx ?? this.db;
    const result = await target.query<R>(compiled.sql, [...compiled.parameters]);
    const affected = result.affectedRows;
    return {
      rows: result.rows,
      ...(affected === undefined ? {} : { numAffectedRows: BigInt(affected) }),
    };
  }

  // biome-ignore lint/correctness/useYield: PGlite cannot stream results.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('PGlite does not stream query results');
  }
}
