import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import { createTestSchema, databaseUrl, type TestSchema } from './postgres.js';

/** A running app on its own database: PostgreSQL (own schema) when DATABASE_URL is set, else in-memory PGlite. */
export interface TestApp {
  readonly app: FastifyInstance;
  readonly config: Config;
  /** The test clock: move it with `clock.set(...)` or `clock.advance(ms)`. */
  readonly clock: TestClock;
  close(): Promise<void>;
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

/** Starts an app for end-to-end tests; `env` overrides configuration. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  let schema: TestSchema | undefined;
  if (databaseUrl) {
    schema = await createTestSchema();
    await schema.pool.end();
  }
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'test-secret-test-secret-test-secret-42',
    RATE_LIMIT: 'off',
    ...(schema
      ? { DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema.schema }
      : { DATA_DIR: 'memory://' }),
    ...env,
  });
  const clock = new TestClock();
  const app = await buildApp(config, { now: clock.now });
  await app.ready();
  return {
    app,
    config,
    clock,
    async close() {
      await app.close();
      await schema?.drop();
    },
  };
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
