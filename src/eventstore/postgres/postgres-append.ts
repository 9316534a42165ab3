import { WrongExpectedRevision } from '../errors.js';
import type { AppendResult, ExpectedRevision, NewEvent } from '../event-store.js';
import { formatPosition, START } from './postgres-position.js';
import type { SqlClient } from './sql-client.js';

type RevisionRow = { revision: string };
type AppendedRow = { revision: string; tx_id: string; global_position: string };

// Each claim is one statement that checks the expected revision and locks the stream row, so
// a concurrent append with the same expectation waits for us and then finds no matching row.
const CLAIM = {
  no_stream: `INSERT INTO streams (stream_id, revision) VALUES ($1, $2::bigint - 1)
    ON CONFLICT (stream_id) DO NOTHING RETURNING revision::text AS revision`,
  stream_exists: `UPDATE streams SET revision = revision + $2::bigint, updated_at = now()
    WHERE stream_id = $1 RETURNING revision::text AS revision`,
  any: `INSERT INTO streams (stream_id, revision) VALUES ($1, $2::bigint - 1)
    ON CONFLICT (stream_id) DO UPDATE SET revision = streams.revision + $2::bigint, updated_at = now()
    RETURNING revision::text AS revision`,
  exact: `UPDATE streams SET revision = $3::bigint + $2::bigint, updated_at = now()
    WHERE stream_id = $1 AND revision = $3::bigint RETURNING revision::text AS revision`,
} as const;

/**
 * Claim and insert in ONE statement: the claim's RETURNING feeds the insert, and nothing is
 * inserted when the claim matched no row. ORDER BY ord makes the identity values follow the
 * revisions. Readers are woken after the commit, not in it (see {@link FeedWaker}).
 */
function appendStatement(expected: ExpectedRevision): string {
  const claim = typeof expected === 'bigint' ? CLAIM.exact : CLAIM[expected];
  const a = typeof expected === 'bigint' ? 4 : 3;
  return `WITH claim AS (${claim}),
  appended AS (
    INSERT INTO events (stream_id, revision, event_id, type, data, metadata, created_at)
    SELECT $1, claim.revision::bigint - $2::bigint + e.ord, e.id::uuid, e.type, e.data::jsonb,
      e.metadata::jsonb, coalesce(e.created_at::timestamptz, now())
    FROM claim, unnest($${a}::text[], $${a + 1}::text[], $${a + 2}::text[], $${a + 3}::text[],
      $${a + 4}::text[])
      WITH ORDINALITY AS e(id, type, data, metadata, created_at, ord)
    ORDER BY e.ord
    RETURNING revision, tx_id, global_position
  )
  SELECT revision::text AS revision, tx_id::text AS tx_id,
    global_position::text AS global_position
  FROM appended ORDER BY appended.revision DESC LIMIT 1`;
}

/** Appends events under the expected-revision rule, idempotently for already appended ids. */
export async function appendEvents(
  client: SqlClient,
  streamId: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
): Promise<AppendResult> {
  if (events.length === 0) return checkRevision(client, streamId, expected);
  let result: AppendResult | undefined;
  try {
    // One statement is atomic on its own: no BEGIN/COMMIT round trips around it.
    result = await insertEvents(client, streamId, events, expected);
  } catch (error) {
    // A race lost on a unique key (same event ids appended concurrently) is a revision conflict.
    if (!isConflict(error)) throw error;
  }
  return result ?? resolveConflict(client, streamId, events, expected);
}

async function insertEvents(
  client: SqlClient,
  streamId: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
): Promise<AppendResult | undefined> {
  const count = `${events.length}`;
  const { rows } = await client.query<AppendedRow>(appendStatement(expected), [
    streamId,
    count,
    // Bigints travel as text: the two drivers serialise them differently.
    ...(typeof expected === 'bigint' ? [`${expected}`] : []),
    events.map((event) => event.id),
    events.map((event) => event.type),
    events.map((event) => JSON.stringify(event.data)),
    events.map((event) => JSON.stringify(event.metadata)),
    events.map((event) => event.createdAt?.toISOString() ?? null),
  ]);
  const last = rows[0];
  if (last === undefined) return undefined;
  return {
    nextRevision: BigInt(last.revision),
    position: formatPosition(last.tx_id, last.global_position),
  };
}

/** After a failed claim: the original result if these exact events are there, else the error. */
export async function resolveConflict(
  client: SqlClient,
  streamId: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
): Promise<AppendResult> {
  const { rows } = await client.query<AppendedRow & { event_id: string }>(
    `SELECT event_id::text AS event_id, revision::text AS revision, tx_id::text AS tx_id,
      global_position::text AS global_position
    FROM events WHERE stream_id = $1 AND event_id = ANY($2::text[]::uuid[])`,
    [streamId, events.map((event) => event.id)],
  );
  const byId = new Map(rows.map((row) => [row.event_id, row]));
  const found = events.map((event) => byId.get(event.id.toLowerCase()));
  const first = found[0];
  const isRetry =
    first !== undefined &&
    found.every(
      (row, i) => row !== undefined && BigInt(row.revision) === BigInt(first.revision) + BigInt(i),
    );
  if (isRetry) {
    const last = found.at(-1)!;
    return {
      nextRevision: BigInt(last.revision),
      position: formatPosition(last.tx_id, last.global_position),
    };
  }
  const current = await client.query<RevisionRow>(
    'SELECT revision::text AS revision FROM streams WHERE stream_id = $1',
    [streamId],
  );
  const actual = current.rows[0] === undefined ? null : BigInt(current.rows[0].revision);
  throw new WrongExpectedRevision(streamId, expected, actual);
}

/** An empty append writes nothing: it checks the revision and reports the stream's last event. */
async function checkRevision(
  client: SqlClient,
  streamId: string,
  expected: ExpectedRevision,
): Promise<AppendResult> {
  const { rows } = await client.query<AppendedRow>(
    `SELECT s.revision::text AS revision, e.tx_id::text AS tx_id,
      e.global_position::text AS global_position
    FROM streams s JOIN events e ON e.stream_id = s.stream_id AND e.revision = s.revision
    WHERE s.stream_id = $1`,
    [streamId],
  );
  const row = rows[0];
  const actual = row === undefined ? null : BigInt(row.revision);
  if (!matches(expected, actual)) throw new WrongExpectedRevision(streamId, expected, actual);
  if (row === undefined) {
    return { nextRevision: -1n, position: formatPosition(START.txId, START.globalPosition) };
  }
  return {
    nextRevision: BigInt(row.revision),
    position: formatPosition(row.tx_id, row.global_position),
  };
}

function matches(expected: ExpectedRevision, actual: bigint | null): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return actual === null;
  if (expected === 'stream_exists') return actual !== null;
  return actual === expected;
}

function isConflict(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  // 23505 unique_violation, 40001 serialization_failure (stricter isolation than the default).
  return error.code === '23505' || error.code === '40001';
}
