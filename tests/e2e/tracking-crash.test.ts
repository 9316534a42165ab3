import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema, databaseUrl, type TestSchema } from '../support/postgres.js';

// Generous: tsx compiles the server on a loaded two-core machine.
const START_TIMEOUT_MS = 90_000;
const CLIENTS = 20;
const BATCH = 20;

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

interface Server {
  readonly child: ChildProcess;
  readonly base: string;
  output(): string;
}

/** `node --import tsx src/server.ts` itself (no wrapper), so SIGKILL hits the server. */
async function startServer(schema: string): Promise<Server> {
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      DATABASE_SCHEMA: schema,
      REDIS_URL: '',
      RATE_LIMIT: 'off',
      LOG_LEVEL: 'warn',
      JWT_SECRET: 'crash-test-secret-crash-test-secret-42',
      // A wider group-commit window: a kill lands while groups wait and while they are written.
      TRACKING_FLUSH_MS: '20',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited early:\n${output}`);
    const ready = await fetch(`${base}/health/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) return { child, base, output: () => output };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`not ready within ${START_TIMEOUT_MS} ms:\n${output}`);
}

function batchOf(ids: readonly string[]) {
  const now = new Date().toISOString();
  return JSON.stringify({
    sentAt: now,
    events: ids.map((messageId) => ({
      messageId,
      type: 'page_view',
      timestamp: now,
      anonymousId: 'crash-test',
      properties: { path: '/' },
    })),
  });
}

/** Posts a batch; resolves to the status, or undefined when the connection failed. */
async function post(base: string, ids: readonly string[]): Promise<number | undefined> {
  try {
    const response = await fetch(`${base}/api/track/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: batchOf(ids),
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return undefined;
  }
}

describe.skipIf(!databaseUrl)('tracking survives a crash (SIGKILL during a load)', () => {
  let schema: TestSchema;
  let server: Server | undefined;

  beforeAll(async () => {
    schema = await createTestSchema({ max: 2 });
  });
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    await schema?.drop();
  });

  it('keeps every event answered 202, and retries after a restart add no duplicates', async () => {
    server = await startServer(schema.schema);
    const first = server;
    const sent: string[][] = [];
    const acked = new Set<string>();
    let settled = 0;
    let killed = false;
    // Bounded load: each client sends batches back to back until the server dies (≤ 400 each).
    const client = async () => {
      for (let i = 0; i < 400 && !killed; i++) {
        const ids = Array.from({ length: BATCH }, () => randomUUID());
        sent.push(ids);
        const status = await post(first.base, ids);
        settled += 1;
        if (status === 202) for (const id of ids) acked.add(id);
      }
    };
    const load = Promise.all(Array.from({ length: CLIENTS }, client));
    // Kill once a good part of the load is acknowledged, while it is still going on.
    const deadline = Date.now() + 60_000;
    while (acked.size < 2_000 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const exited = once(first.child, 'exit');
    // Requests sent and not yet settled when the kill goes out: the kill lands during the load.
    // (Counting the batches never answered afterwards is not the same: on a loaded machine the
    // server may still answer every request in flight between the signal and its death.)
    const inFlightAtKill = sent.length - settled;
    first.child.kill('SIGKILL');
    killed = true;
    await exited;
    await load;
    expect(acked.size, first.output()).toBeGreaterThanOrEqual(2_000);

    const stored = async () => {
      // Only the load's events: the server also records the catalogue's `film_added` facts.
      const { rows } = await schema.pool.query<{ total: number; distinct: number }>(
        'SELECT count(*)::int AS total, count(DISTINCT message_id)::int AS distinct FROM tracking_events ' +
          "WHERE anonymous_id = 'crash-test'",
      );
      return rows[0] ?? { total: 0, distinct: 0 };
    };
    const missing = async () => {
      const { rows } = await schema.pool.query<{ id: string }>(
        'SELECT id FROM unnest($1::uuid[]) AS t(id) WHERE NOT EXISTS (SELECT 1 FROM tracking_events e WHERE e.message_id = t.id)',
        [[...acked]],
      );
      return rows.length;
    };
    expect(await missing(), 'acknowledged events missing after the crash').toBe(0);
    const afterCrash = await stored();
    expect(afterCrash.total).toBe(afterCrash.distinct);

    // Restart; the clients retry every batch they sent (the answered ones too, as a client
    // whose answer was lost would), with the same message ids.
    server = await startServer(schema.schema);
    const second = server;
    let duplicates = 0;
    let accepted = 0;
    for (let i = 0; i < sent.length; i += CLIENTS) {
      await Promise.all(
        sent.slice(i, i + CLIENTS).map(async (ids) => {
          const response = await fetch(`${second.base}/api/track/batch`, {
            method: 'POST',
            headers: { 'content-type': 'text/plain' },
            body: batchOf(ids),
          });
          expect(response.status).toBe(202);
          const body = (await response.json()) as { accepted: number; duplicates: number };
          accepted += body.accepted;
          duplicates += body.duplicates;
        }),
      );
    }
    const final = await stored();
    const everyId = sent.length * BATCH;
    expect(final).toEqual({ total: everyId, distinct: everyId });
    expect(duplicates).toBe(afterCrash.total);
    expect(accepted).toBe(everyId - afterCrash.total);
    expect(inFlightAtKill).toBeGreaterThan(0);
  }, 240_000);
});
