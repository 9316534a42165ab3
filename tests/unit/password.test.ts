import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../src/api/auth/password.js';
import { loadConfig } from '../../src/config.js';

describe('password hashing', () => {
  it('stores a self-describing scrypt hash, not the password', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).not.toContain('correct horse battery');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('salts: two hashes of one password differ and both verify', async () => {
    const [a, b] = await Promise.all([
      hashPassword('same password'),
      hashPassword('same password'),
    ]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same password', a)).toBe(true);
    expect(await verifyPassword('same password', b)).toBe(true);
  });

  it('refuses when there is no stored hash, whatever the password', async () => {
    expect(await verifyPassword('correct horse battery', undefined)).toBe(false);
  });

  it('refuses malformed or out-of-bounds stored hashes without throwing', async () => {
    const hash = await hashPassword('pw-123456');
    const [, , r, p, salt, key] = hash.split('$');
    expect(await verifyPassword('pw-123456', 'not a hash')).toBe(false);
    expect(await verifyPassword('pw-123456', `bcrypt$32768$${r}$${p}$${salt}$${key}`)).toBe(false);
    expect(await verifyPassword('pw-123456', `scrypt$1000$${r}$${p}$${salt}$${key}`)).toBe(false);
    expect(await verifyPassword('pw-123456', `scrypt$${2 ** 24}$${r}$${p}$${salt}$${key}`)).toBe(
      false,
    );
  });
});

describe('the cost of new hashes (PASSWORD_HASH_COST)', () => {
  it('is written into the hash, so a hash made at one cost verifies after the cost changes', async () => {
    const cheap = await hashPassword('pw-123456', 2 ** 10);
    expect(cheap).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await verifyPassword('pw-123456', cheap)).toBe(true);
    expect(await verifyPassword('pw-123456', cheap, 2 ** 12)).toBe(true);
    expect(await verifyPassword('pw-1234567', cheap, 2 ** 10)).toBe(false);
    const dear = await hashPassword('pw-123456');
    expect(await verifyPassword('pw-123456', dear, 2 ** 10)).toBe(true);
  });

  it('is refused by the config unless a power of two from 2^10 to 2^17', () => {
    const base = { DATA_DIR: 'memory://' };
    expect(loadConfig(base).PASSWORD_HASH_COST).toBe(2 ** 15);
    expect(loadConfig({ ...base, PASSWORD_HASH_COST: '1024' }).PASSWORD_HASH_COST).toBe(1024);
    for (const bad of ['512', '3000', String(2 ** 18), 'cheap']) {
      expect(() => loadConfig({ ...base, PASSWORD_HASH_COST: bad }), bad).toThrow(
        /PASSWORD_HASH_COST/,
      );
    }
  });
});
