import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

const SCHEME = 'scrypt';
/** scrypt's N for new hashes unless the config names another (PASSWORD_HASH_COST). */
export const DEFAULT_COST = 2 ** 15;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
// A stored hash is data: bound its parameters so a tampered row cannot exhaust memory or CPU.
const MAX_COST = 2 ** 17;
const MAX_BLOCK_SIZE = 16;
const MAX_PARALLELISM = 4;

interface Params {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

// The async scrypt runs on the libuv thread pool, so hashing never blocks the event loop.
function derive(password: string, salt: Buffer, keyLength: number, params: Params) {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/**
 * Hashes a password as `scrypt$N$r$p$salt$hash` (base64url) with a fresh random salt. A stored
 * hash names its own cost, so changing the cost applies to new passwords and old ones verify.
 */
export async function hashPassword(password: string, cost = DEFAULT_COST): Promise<string> {
  const params = { N: cost, r: BLOCK_SIZE, p: PARALLELISM };
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, params);
  return [
    SCHEME,
    cost,
    BLOCK_SIZE,
    PARALLELISM,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

function parse(stored: string) {
  const [scheme, n, r, p, salt, hash, ...rest] = stored.split('$');
  if (scheme !== SCHEME || rest.length > 0 || salt === undefined || hash === undefined) return;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  const isPowerOfTwo =
    Number.isInteger(params.N) && params.N > 1 && (params.N & (params.N - 1)) === 0;
  if (!isPowerOfTwo || params.N > MAX_COST) return;
  if (!Number.isInteger(params.r) || params.r < 1 || params.r > MAX_BLOCK_SIZE) return;
  if (!Number.isInteger(params.p) || params.p < 1 || params.p > MAX_PARALLELISM) return;
  const expected = Buffer.from(hash, 'base64url');
  if (expected.length < 16) return;
  return { params, salt: Buffer.from(salt, 'base64url'), expected };
}

const dummyHashes = new Map<number, Promise<string>>();

/** A hash of a random password at `cost`, made once: what an unknown user is checked against. */
function dummyHash(cost: number): Promise<string> {
  let hash = dummyHashes.get(cost);
  if (!hash) {
    hash = hashPassword(randomBytes(SALT_BYTES).toString('base64url'), cost);
    dummyHashes.set(cost, hash);
  }
  return hash;
}

/**
 * Whether a password matches a stored hash, in constant time. Without a stored hash (unknown
 * user) it still derives a key at the cost new hashes get, so the answer takes as long and
 * reveals nothing.
 */
export async function verifyPassword(
  password: string,
  stored: string | undefined,
  cost = DEFAULT_COST,
): Promise<boolean> {
  const parsed = parse(stored ?? (await dummyHash(cost)));
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.expected.length, parsed.params);
  return timingSafeEqual(key, parsed.expected) && stored !== undefined;
}
