import { sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Backend, backends, type CliEnv } from './cli-env.js';

// PGlite on disk opens slowly: the test opens the stores five times.
vi.setConfig({ testTimeout: 120_000 });

describe.each(backends)('cowatch users and analytics on $name', (backend: Backend) => {
  let env: CliEnv | undefined;
  afterEach(async () => {
    await env?.dispose();
    env = undefined;
  });

  it('grants the admin role by email and prints analytics as tables', async () => {
    env = await backend.create();
    const runtime = await env.open();
    const email = 'boss@example.test';
    try {
      await runtime.db
        .insertInto('users')
        .values({
          id: '0190a5c4-0000-7000-8000-0000000000b1',
          email,
          password_hash: 'x',
          display_name: 'Boss',
        })
        .execute();
    } finally {
      await runtime.close();
    }

    const granted = await env.cli(['users', 'grant-admin', email.toUpperCase()]);
    expect(granted.code, granted.err).toBe(0);
    const check = await env.open();
    try {
      const user = await check.db
        .selectFrom('users')
        .select('role')
        .where('email', '=', email)
        .executeTakeFirstOrThrow();
      expect(user.role).toBe('admin');
    } finally {
      await check.close();
    }

    const unknown = await env.cli(['users', 'grant-admin', 'nobody@example.test']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('no user');

    // The bundled catalogue was loaded at first start: one month of `film_added` facts.
    const catalogue = await env.cli(['analytics', 'catalogue']);
    expect(catalogue.code, catalogue.err).toBe(0);
    const lines = catalogue.out.trim().split('\n');
    expect(lines[0]).toMatch(/^month\s+films added$/);
    expect(lines[1]).toMatch(/^\d{4}-\d{2}\s+\d+$/);

    const top = await env.cli(['analytics', 'top', '--metric', 'likes', '--refresh']);
    expect(top.code, top.err).toBe(0);
    expect(top.out.trim()).toMatch(/^film\s+title\s+likes$/);
    const bad = await env.cli(['analytics', 'top', '--metric', 'nope']);
    expect(bad.code).toBe(2);

    // Tracking is not a read model: a replay (rebuild and swap) leaves it as it was.
    const count = async () => {
      const stores = await env!.open();
      try {
        const { rows } = await sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM tracking_events`.execute(stores.db);
        return rows[0]?.n ?? -1;
      } finally {
        await stores.close();
      }
    };
    const before = await count();
    expect(before).toBeGreaterThan(0);
    const replayed = await env.cli(['replay']);
    expect(replayed.code, replayed.err).toBe(0);
    expect(await count()).toBe(before);
  });
});
