import { sql } from 'kysely';
import type { Db } from '../../projections/db/database.js';

// As Stripe's: a key protects retries for a day, then it is forgotten (and swept away).
export const KEY_LIFETIME = '24 hours';
// A first attempt that has run this long without answering is taken to have died.
const IN_FLIGHT_TIMEOUT = '60 seconds';

/** A key a request wants to run under. */
export interface KeyClaim {
  readonly scope: string;
  readonly key: string;
  readonly hash: string;
}

/** The answer to keep for a claimed key. */
export interface KeyAnswer {
  readonly scope: string;
  readonly key: string;
  readonly status: number;
  readonly headers: string;
  readonly body: string;
}

interface Waiting<T, R> {
  readonly item: T;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Sends the items of concurrent requests to the database together: one statement (one commit)
 * for every item that arrived while earlier groups were being written, instead of one each.
 * Under load the idempotency claims and answers were the hold path's own commits, two per
 * request, each waiting for a WAL flush.
 */
class GroupWriter<T, R> {
  #pending: Waiting<T, R>[] = [];
  #inFlight = 0;
  #scheduled = false;

  constructor(
    private readonly write: (items: readonly T[]) => Promise<R[]>,
    private readonly identity: (item: T) => string,
    private readonly maxInFlight = 2,
    private readonly maxGroup = 100,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#pending.push({ item, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#inFlight >= this.maxInFlight || this.#pending.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      while (this.#inFlight < this.maxInFlight && this.#pending.length > 0) {
        const group = this.#take();
        this.#inFlight++;
        void this.#send(group).finally(() => {
          this.#inFlight--;
          this.#schedule();
        });
      }
    });
  }

  /** The oldest pending items, one per identity: a row must not be written twice at once. */
  #take(): Waiting<T, R>[] {
    const group: Waiting<T, R>[] = [];
    const seen = new Set<string>();
    const rest: Waiting<T, R>[] = [];
    for (const waiting of this.#pending) {
      const id = this.identity(waiting.item);
      if (group.length < this.maxGroup && !seen.has(id)) {
        seen.add(id);
        group.push(waiting);
      } else rest.push(waiting);
    }
    this.#pending = rest;
    return group;
  }

  async #send(group: readonly Waiting<T, R>[]): Promise<void> {
    try {
      const results = await this.write(group.map((w) => w.item));
      for (const [i, w] of group.entries()) w.resolve(results[i]!);
    } catch (error) {
      for (const w of group) w.reject(error);
    }
  }
}

const identity = (item: { scope: string; key: string }) => `${item.scope}\n${item.key}`;

/**
 * Claims and answers of idempotency keys, group-committed across concurrent requests. Each
 * claim still has its own outcome (claimed, or the key is someone's already) and each answer
 * updates only its own row: exactly what one statement per request did.
 */
export class IdempotencyWrites {
  readonly #claims: GroupWriter<KeyClaim, boolean>;
  readonly #answers: GroupWriter<KeyAnswer, undefined>;

  constructor(db: Db) {
    this.#claims = new GroupWriter<KeyClaim, boolean>((claims) => claimAll(db, claims), identity);
    this.#answers = new GroupWriter<KeyAnswer, undefined>(
      (answers) => answerAll(db, answers),
      identity,
    );
  }

  /** Whether this request now owns the key (new, expired, or taken over from a dead attempt). */
  claim(claim: KeyClaim): Promise<boolean> {
    return this.#claims.submit(claim);
  }

  answer(answer: KeyAnswer): Promise<void> {
    return this.#answers.submit(answer);
  }
}

async function claimAll(db: Db, claims: readonly KeyClaim[]): Promise<boolean[]> {
  // An expired key starts afresh; a first attempt that died is taken over by its retry.
  const { rows } = await sql<{ user_scope: string; key: string }>`
    INSERT INTO idempotency_keys (key, user_scope, request_hash, status)
    SELECT c.key, c.user_scope, c.request_hash, 'in_flight'
    FROM unnest(${claims.map((c) => c.key)}::text[], ${claims.map((c) => c.scope)}::text[],
      ${claims.map((c) => c.hash)}::text[]) AS c(key, user_scope, request_hash)
    ON CONFLICT (user_scope, key) DO UPDATE SET created_at = now(),
      request_hash = excluded.request_hash, status = 'in_flight', response_status = NULL,
      response_headers = NULL, response_body = NULL
    WHERE idempotency_keys.created_at < now() - ${KEY_LIFETIME}::interval
      OR (idempotency_keys.status = 'in_flight'
        AND idempotency_keys.request_hash = excluded.request_hash
        AND idempotency_keys.created_at < now() - ${IN_FLIGHT_TIMEOUT}::interval)
    RETURNING user_scope, key`.execute(db);
  const claimed = new Set(rows.map((row) => identity({ scope: row.user_scope, key: row.key })));
  return claims.map((c) => claimed.has(identity(c)));
}

async function answerAll(db: Db, answers: readonly KeyAnswer[]): Promise<undefined[]> {
  await sql`
    UPDATE idempotency_keys k SET status = 'done', response_status = a.status,
      response_headers = a.headers::jsonb, response_body = a.body::jsonb
    FROM unnest(${answers.map((a) => a.key)}::text[], ${answers.map((a) => a.scope)}::text[],
      ${answers.map((a) => a.status)}::int[], ${answers.map((a) => a.headers)}::text[],
      ${answers.map((a) => a.body)}::text[]) AS a(key, user_scope, status, headers, body)
    WHERE k.user_scope = a.user_scope AND k.key = a.key`.execute(db);
  return answers.map(() => undefined);
}
