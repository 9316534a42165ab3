import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Generous: on a loaded two-core CI machine tsx and PGlite take over a minute to start.
const START_TIMEOUT_MS = 150_000;

let child: ChildProcess | undefined;
let dataDir: string;
let base: string;
let output = '';

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Polls /health/ready until it answers 200, the process dies, or the deadline passes. */
async function waitUntilReady(): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child?.exitCode !== null) throw new Error(`the server exited early:\n${output}`);
    const ready = await fetch(`${base}/health/ready`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the server was not ready within ${START_TIMEOUT_MS} ms:\n${output}`);
}

async function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = once(server, 'exit');
  // tsx runs the server in a child of its own: signal the whole process group.
  const signal = (name: NodeJS.Signals) => {
    try {
      if (server.pid) process.kill(-server.pid, name);
    } catch {
      // Already gone.
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cowatch-start-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
  };
  for (const name of [
    'DATABASE_URL',
    'DATABASE_SCHEMA',
    'REDIS_URL',
    'EVENTSTORE_URL',
    'JWT_SECRET',
  ]) {
    delete env[name];
  }
  env.LOG_LEVEL = 'info';
  child = spawn(join('node_modules', '.bin', 'tsx'), ['src/server.ts'], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitUntilReady();
}, 180_000);

afterAll(async () => {
  if (child) await stop(child);
  await rm(dataDir, { recursive: true, force: true });
}, 30_000);

async function call(
  path: string,
  init: { token?: string; body?: unknown; minPosition?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.minPosition) headers['x-min-position'] = init.minPosition;
  // A paid hold's 201 then carries the payment, like the GET that follows.
  if (path === '/api/bookings') headers.prefer = 'wait=5';
  const response = await fetch(`${base}${path}`, {
    method: init.body === undefined ? 'GET' : 'POST',
    headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const json = (await response.json()) as Record<string, unknown>;
  return { status: response.status, json, position: response.headers.get('x-position') ?? '' };
}

describe('npm start on the embedded default', () => {
  it('serves a booking from registration to GET /api/bookings/my', {
    timeout: 90_000,
  }, async () => {
    const registered = await call('/api/auth/register', {
      body: {
        email: 'first@example.test',
        password: 'correct horse battery',
        displayName: 'First',
      },
    });
    expect(registered.status).toBe(201);
    const token = String(registered.json.accessToken);

    const films = await call('/api/films?limit=1');
    const [film] = films.json.items as { id: string }[];
    expect(film).toBeDefined();
    const place = await call('/api/places', { token, body: { name: 'Living room' } });
    expect(place.status).toBe(201);
    const screening = await call('/api/screenings', {
      token,
      body: {
        placeId: place.json.id,
        filmId: film?.id,
        startsAt: new Date(Date.now() + 86_400_000).toISOString(),
        capacity: 8,
        price: { amount: 500, currency: 'EUR' },
      },
    });
    expect(screening.status).toBe(201);

    const booked = await call('/api/bookings', {
      token,
      body: { screeningId: screening.json.id, quantity: 2 },
    });
    expect(booked.status).toBe(201);
    expect(booked.json).toMatchObject({ status: 'PENDING', quantity: 2, amount: 1000 });
    expect(booked.position).not.toBe('');

    const mine = await call('/api/bookings/my', { token, minPosition: booked.position });
    expect(mine.status).toBe(200);
    expect(mine.json.items).toEqual([booked.json]);
  });

  it('says where it listens, on which stores, and where the docs are; warns of nothing', () => {
    expect(output).toContain(`listening at ${base}`);
    expect(output).toContain(`embedded PGlite in ${join(dataDir, 'pglite')}`);
    expect(output).toContain('notification fan-out: in-process');
    expect(output).toContain(`API docs: ${base}/docs`);
    expect(output).not.toMatch(/DeprecationWarning|FSTDEP|Warning:/);
  });
});
