import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { type BuildAppOptions, buildApp } from '../../src/api/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import { openRuntime, type Runtime } from '../../src/runtime.js';
import { newDataDir } from './pglite-template.js';
import { createTestSchema, databaseUrl, type TestSchema } from './postgres.js';

/** A running app on its own database: PostgreSQL (own schema) when DATABASE_URL is set, else PGlite in a folder of its own. */
export interface TestApp {
  readonly app: FastifyInstance;
  readonly config: Config;
  /** The test clock: move it with `clock.set(...)` or `clock.advance(ms)`. */
  readonly clock: TestClock;
  /** The stores the app runs on: another command context on `runtime.store` acts as another node. */
  readonly runtime: Runtime;
  /** Closes the app but keeps its database, for a restart with `startTestApp(env, { restartOf })`. */
  stop(): Promise<void>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** A stopped app whose configuration, database and clock the new app takes over: a restart. */
  readonly restartOf?: TestApp;
  /** A running app on PostgreSQL whose schema this one serves too (a second API node). */
  readonly shareDatabaseWith?: TestApp;
  /** Wraps the simulated billing's webhook delivery, to inject faults. */
  readonly webhookDelivery?: BuildAppOptions['webhookDelivery'];
}

/** A clock tests move by hand. */
export class TestClock {
  constructor(private current = new Date()) {}
  readonly now = (): Date => new Date(this.current);
  set(date: Date): void {
    this.current = new Date(date);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

const dropDatabase = new WeakMap<TestApp, () => Promise<void>>();

/** Starts an app for end-to-end tests; `env` overrides configuration (ignored on a restart). */
export async function startTestApp(
  env: Record<string, string> = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const { restartOf } = options;
  let drop = restartOf ? dropDatabase.get(restartOf) : undefined;
  let config = restartOf?.config;
  if (config === undefined) {
    let schema: TestSchema | undefined;
    let dataDir: string | undefined;
    const shared = options.shareDatabaseWith?.config;
    if (shared && !shared.DATABASE_SCHEMA) throw new TypeError('sharing needs DATABASE_URL');
    if (databaseUrl && !shared) {
      schema = await createTestSchema();
      await schema.pool.end();
      drop = schema.drop;
    } else if (!databaseUrl && env.DATA_DIR === undefined) {
      // A folder, not memory: a restart (`restartOf`) finds the data again. Filled from the
      // migrated template: a new in-memory PGlite runs initdb, 2.5 s of CPU per app.
      const folder = await newDataDir();
      dataDir = folder.path;
      drop = folder.remove;
    }
    config = loadConfig({
      LOG_LEVEL: 'silent',
      JWT_SECRET: 'test-secret-test-secret-test-secret-42',
      RATE_LIMIT: 'off',
      // A cheap scrypt: the suite registers hundreds of users, each 80 ms of CPU at the default.
      PASSWORD_HASH_COST: String(2 ** 10),
      ...(shared?.DATABASE_SCHEMA
        ? { DATABASE_URL: shared.DATABASE_URL ?? '', DATABASE_SCHEMA: shared.DATABASE_SCHEMA }
        : schema
          ? { DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema.schema }
          : { DATA_DIR: dataDir ?? 'memory://' }),
      ...env,
    });
  }
  const clock = restartOf?.clock ?? new TestClock();
  const runtime = await openRuntime(config, { now: clock.now });
  const app = await buildApp(config, {
    runtime,
    ...(options.webhookDelivery ? { webhookDelivery: options.webhookDelivery } : {}),
  });
  await app.ready();
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= app.close().then(() => runtime.close());
    return stopped;
  };
  const testApp: TestApp = {
    app,
    config,
    clock,
    runtime,
    stop,
    async close() {
      await stop();
      await drop?.();
    },
  };
  if (drop) dropDatabase.set(testApp, drop);
  return testApp;
}

/** A registered user and the headers that authenticate as them. */
export interface TestUser {
  readonly id: string;
  readonly email: string;
  readonly token: string;
  readonly auth: { authorization: string };
}

let users = 0;

/** Registers a new user through the API. */
export async function registerUser(app: FastifyInstance, name = 'Viewer'): Promise<TestUser> {
  users += 1;
  const email = `${name.toLowerCase().replaceAll(/\W/g, '')}-${users}-${Date.now()}@example.test`;
  const response = await app.inject({
    method: 'POST',
    url: '/api/auth/register',
    payload: { email, password: 'correct horse battery', displayName: name },
  });
  if (response.statusCode !== 201) throw new Error(`register failed: ${response.body}`);
  const body = response.json<{ user: { id: string }; accessToken: string }>();
  return {
    id: body.user.id,
    email,
    token: body.accessToken,
    auth: { authorization: `Bearer ${body.accessToken}` },
  };
}

/** Parses a problem+json response and checks its media type. */
export function problemOf(response: LightMyRequestResponse): {
  status: number;
  code: string;
  detail: string;
} {
  if (!String(response.headers['content-type']).startsWith('application/problem+json')) {
    throw new Error(`not a problem response (${response.statusCode}): ${response.body}`);
  }
  return response.json();
}
