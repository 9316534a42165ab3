import { randomUUID } from 'node:crypto';
import { TokenService } from '../../src/api/auth/token-service.js';
import type { TestApp } from './app.js';

/** Many users at once: rows and tokens directly (registering hashes a password each time). */
export async function manyUsers(
  t: TestApp,
  count: number,
  name = 'Crowd',
): Promise<{ id: string; token: string }[]> {
  const tokens = new TokenService(t.config.JWT_SECRET ?? '');
  const users = Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    email: `${name.toLowerCase()}-${i}-${randomUUID()}@example.test`,
    password_hash: 'not-a-hash',
    display_name: `${name} ${i}`,
  }));
  await t.runtime.db.insertInto('users').values(users).execute();
  return Promise.all(users.map(async (u) => ({ id: u.id, token: await tokens.issue(u.id) })));
}
