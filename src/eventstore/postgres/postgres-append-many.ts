import { appendEach, assertDistinctStreams } from '../append-each.js';
import type { AppendResult, StreamAppend, StreamAppendOutcome } from '../event-store.js';
import { appendEvents, resolveConflict } from './postgres-append.js';
import { formatPosition } from './postgres-position.js';
import type { SqlClient } from './sql-client.js';

type GroupRow = { idx: string; revision: string; tx_id: string; global_position: string };

/**
 * Several streams' appends at exact expected revisions in ONE statement, so one transaction
 * and one WAL flush: `claim` moves each stream whose revision is the expected one (a row lock,
 * like the single append's claim: a concurrent writer with the same expectation waits for us,
 * then finds no match), and only the claimed streams' events are inserted. A stream left out
 * of the result was not at its expected revision. Rows are claimed in `stream_id` order (the
 * input is sorted) so two groups sharing streams lock them in the same order.
 */
const GROUP_APPEND = `WITH input AS (
    SELECT * FROM unnest($1::text[], $2::text[]::bigint[], $3::text[]::bigint[])
      WITH ORDINALITY AS i(stream_id, expected, count, idx)
  ),
  claim AS (
    UPDATE streams s SET revision = s.revision + i.count, updated_at = now()
    FROM input i WHERE s.stream_id = i.stream_id AND s.revision = i.expected
    RETURNING i.idx, i.stream_id, i.count, s.revision
  ),
  appended AS (
    INSERT INTO events (stream_id, revision, event_id, type, data, metadata, created_at)
    SELECT c.stream_id, c.revision - c.count + e.offset_in_stream, e.id::uuid, e.type,
      e.data::jsonb, e.metadata::jsonb, coalesce(e.created_at::timestamptz, now())
    FROM claim c
    JOIN unnest($4::text[]::bigint[], $5::text[]::bigint[], $6::text[], $7::text[], $8::text[],
      $9::text[], $10::text[]) WITH ORDINALITY
      AS e(idx, offset_in_stream, id, type, data, metadata, created_at, ord) ON e.idx = c.idx
    ORDER BY e.ord
    RETURNING stream_id, revision, tx_id, global_position
  )
  SELECT DISTINCT ON (c.idx) c.idx::text AS idx, a.revision::text AS revision,
    a.tx_id::text AS tx_id, a.global_position::text AS global_position
  FROM appended a JOIN claim c ON c.stream_id = a.stream_id
  ORDER BY c.idx, a.revision DESC`;

/**
 * Appends to several streams, each with its own outcome. Appends at an exact revision go
 * together in one statement; the others (creating a stream, `any`, …) and every one of a group
 * that failed as a whole (a unique key raced by a retry, a deadlock with another node's group)
 * go one by one through {@link appendEvents}, which decides each exactly as `append` would.
 */
export async function appendMany(
  client: SqlClient,
  appends: readonly StreamAppend[],
): Promise<StreamAppendOutcome[]> {
  assertDistinctStreams(appends);
  const eachAlone = (subset: readonly StreamAppend[]) =>
    appendEach((id, events, o) => appendEvents(client, id, events, o.expectedRevision), subset);
  const grouped = appends.filter(
    (a) => typeof a.expectedRevision === 'bigint' && a.events.length > 0,
  );
  if (grouped.length < 2) return eachAlone(appends);
  const others = appends.filter((a) => !grouped.includes(a));
  const [groupOutcomes, otherOutcomes] = await Promise.all([
    appendGroup(client, grouped).catch(() => eachAlone(grouped)),
    eachAlone(others),
  ]);
  const byAppend = new Map<StreamAppend, StreamAppendOutcome>();
  for (const [i, a] of grouped.entries()) byAppend.set(a, groupOutcomes[i]!);
  for (const [i, a] of others.entries()) byAppend.set(a, otherOutcomes[i]!);
  return appends.map((a) => byAppend.get(a)!);
}

/** One statement for appends at exact revisions; the unclaimed ones are resolved one by one. */
async function appendGroup(
  client: SqlClient,
  appends: readonly StreamAppend[],
): Promise<StreamAppendOutcome[]> {
  const order = appends
    .map((a, i) => ({ a, i }))
    .sort((x, y) => (x.a.streamId < y.a.streamId ? -1 : x.a.streamId > y.a.streamId ? 1 : 0));
  const events = order.flatMap(({ a }, idx) =>
    a.events.map((event, offset) => ({ idx: idx + 1, offset: offset + 1, event })),
  );
  const { rows } = await client.query<GroupRow>(GROUP_APPEND, [
    order.map(({ a }) => a.streamId),
    // Bigints travel as text: the two drivers serialise them differently.
    order.map(({ a }) => `${a.expectedRevision}`),
    order.map(({ a }) => `${a.events.length}`),
    events.map((e) => `${e.idx}`),
    events.map((e) => `${e.offset}`),
    events.map((e) => e.event.id),
    events.map((e) => e.event.type),
    events.map((e) => JSON.stringify(e.event.data)),
    events.map((e) => JSON.stringify(e.event.metadata)),
    events.map((e) => e.event.createdAt?.toISOString() ?? null),
  ]);
  const claimed = new Map<number, AppendResult>(
    rows.map((row) => [
      Number(row.idx) - 1,
      {
        nextRevision: BigInt(row.revision),
        position: formatPosition(row.tx_id, row.global_position),
      },
    ]),
  );
  const outcomes = new Array<StreamAppendOutcome>(appends.length);
  await Promise.all(
    order.map(async ({ a, i }, idx) => {
      const result = claimed.get(idx);
      if (result) {
        outcomes[i] = { ok: true, result };
        return;
      }
      // Not at the expected revision: a retry of events already stored, or a conflict.
      outcomes[i] = await resolveConflict(client, a.streamId, a.events, a.expectedRevision).then(
        (r): StreamAppendOutcome => ({ ok: true, result: r }),
        (error: unknown): StreamAppendOutcome => ({ ok: false, error }),
      );
    }),
  );
  return outcomes;
}
