import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { REPO_ROOT } from './paths.js';

/** Where the benchmark's stores are (all local: the benchmark only talks to 127.0.0.1). */
export const DATABASE_URL =
  process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const JWT_SECRET = 'bench-only-secret-bench-only-secret-0123456789';
export const PROFILE_DIR = join(REPO_ROOT, 'bench', 'profiles');

/** Pending cleanups (kill a child, drop a schema); `fast`: no graceful shutdown, SIGKILL. */
const cleanups = new Set<(fast: boolean) => Promise<void>>();
let exiting = false;

/** Whether a signal is being handled: the signal handler cleans up and exits, nobody else. */
export function aborting(): boolean {
  return exiting;
}

/**
 * Runs every pending cleanup, newest first (children before the schema they use). `fast` on
 * Ctrl-C: children get SIGKILL at once, so the schema is dropped before a wrapper (npm, tsx)
 * gives up on this process.
 */
export async function cleanUpAll(fast = false): Promise<void> {
  for (const cleanup of [...cleanups].reverse()) {
    cleanups.delete(cleanup);
    await cleanup(fast).catch((error: unknown) => console.error('cleanup failed:', error));
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (exiting) return;
    exiting = true;
    console.error(`\n${signal}: killing the server and dropping the schema…`);
    void cleanUpAll(true).finally(() => process.exit(130));
  });
}

const HOUR = 3_600_000;

/**
 * Drops `bench_<time>_…` schemas more than 6 hours old: left behind by a bench that was
 * killed outright (SIGKILL) before its cleanup. Recent ones may belong to a running bench.
 */
export async function dropStaleSchemas(): Promise<string[]> {
  return admin(async (client) => {
    const { rows } = await client.query<{ name: string }>(
      "SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE 'bench\\_%'",
    );
    const stale = rows
      .map((row) => row.name)
      .filter((name) => {
        const created = Number.parseInt(name.split('_')[1] ?? '', 36);
        return Number.isFinite(created) && Date.now() - created > 6 * HOUR;
      });
    for (const name of stale) await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
    return stale;
  });
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty schema for one run; `drop()` removes it with everything in it. */
export interface BenchSchema {
  readonly name: string;
  drop(): Promise<void>;
}

export async function createSchema(): Promise<BenchSchema> {
  const name = `bench_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await admin((client) => client.query(`CREATE SCHEMA ${name}`));
  // Memoized: a second caller (Ctrl-C while the run's finally drops it) waits for the same drop.
  let dropping: Promise<void> | undefined;
  const drop = () => {
    cleanups.delete(drop);
    dropping ??= admin((client) => client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`)).then(
      () => undefined,
    );
    return dropping;
  };
  cleanups.add(drop);
  return { name, drop };
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * `--protections`: the server logs every request at info and holds carry an Idempotency-Key
 * (session consistency is always on). Rate limits stay off: production's 120 commands a minute
 * per user would turn the bench's 100 viewers away after a second.
 */
export function protectionsOn(): boolean {
  return process.env.BENCH_PROTECTIONS === '1';
}

/** The environment the server and the CLI run with for one schema. */
export function serverEnv(schema: string, port: number): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL,
    DATABASE_SCHEMA: schema,
    REDIS_URL,
    RATE_LIMIT: 'off',
    LOG_LEVEL: protectionsOn() ? 'info' : 'warn',
    JWT_SECRET,
    HOLD_TTL: '86400',
  };
}

/** A cowatch server running as a child process. */
export interface BenchServer {
  readonly url: string;
  readonly pid: number;
  /** The last lines the server wrote (stdout and stderr). */
  logTail(): string;
  /** SIGTERM, then SIGKILL after a grace period; resolves once the process has exited. */
  stop(): Promise<void>;
}

const TAIL_LINES = 40;

/**
 * Starts `node --import tsx src/server.ts` (through bash, to raise the open-files limit as far
 * as the hard limit allows, then `exec` so the pid is the server's) and waits for
 * /health/ready.
 */
export async function startServer(options: {
  readonly schema: string;
  readonly profile: boolean;
  /** The script to run (default cowatch's `src/server.ts`; the bench's baselines too). */
  readonly entry?: string;
}): Promise<BenchServer> {
  const port = await freePort();
  const nodeArgs = ['--import', 'tsx'];
  if (options.profile) {
    await mkdir(PROFILE_DIR, { recursive: true });
    nodeArgs.push('--cpu-prof', '--cpu-prof-dir', PROFILE_DIR);
  }
  nodeArgs.push(options.entry ?? 'src/server.ts');
  const script =
    'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec node "$@"';
  const child = spawn('bash', ['-c', script, 'bash', ...nodeArgs], {
    cwd: REPO_ROOT,
    env: serverEnv(options.schema, port),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      tail.push(line.length > 500 ? `${line.slice(0, 500)}…` : line);
      if (tail.length > TAIL_LINES) tail.shift();
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (fast = false) => {
    cleanups.delete(stop);
    await stopChild(child, exited, fast);
  };
  cleanups.add(stop);
  const url = `http://127.0.0.1:${port}`;
  const server: BenchServer = {
    url,
    pid: child.pid ?? -1,
    logTail: () => tail.join('\n'),
    stop: () => stop(),
  };
  try {
    await waitReady(url, child, 60_000);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- server log ---\n${server.logTail()}`);
  }
  return server;
}

async function stopChild(child: ChildProcess, exited: Promise<void>, fast: boolean): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(fast ? 'SIGKILL' : 'SIGTERM');
  const graceful = await Promise.race([
    exited.then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 20_000).unref()),
  ]);
  if (!graceful) {
    child.kill('SIGKILL');
    await exited;
  }
}

async function waitReady(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the server was not ready within ${timeoutMs / 1000} s`);
}

/** Runs a child process to completion (bounded), returning its output and exit code. */
export async function runChild(
  command: string,
  args: readonly string[],
  options: { readonly env: NodeJS.ProcessEnv; readonly timeoutMs: number },
): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  const child = spawn(command, [...args], {
    cwd: REPO_ROOT,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-20_000);
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const kill = async () => {
    cleanups.delete(kill);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  cleanups.add(kill);
  const timer = setTimeout(() => void kill(), options.timeoutMs);
  const code = await exited;
  clearTimeout(timer);
  cleanups.delete(kill);
  return { code, stdout, stderr, ms: performance.now() - started };
}
