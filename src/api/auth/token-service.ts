import { createSecretKey, type KeyObject } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { LRUCache } from 'lru-cache';
import { isUuid } from '../../domain/ids.js';

/** Issues and verifies the HS256 access tokens of register/login. */
export class TokenService {
  // A KeyObject, not raw bytes: jose would import raw bytes into WebCrypto on every call,
  // which showed up in the request profile.
  private readonly key: KeyObject;

  constructor(
    secret: string,
    private readonly ttlSeconds = 12 * 3600,
  ) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  /** A signed token whose subject is the user id. */
  issue(userId: string): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(userId)
      .setIssuer('cowatch')
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key);
  }

  /**
   * Tokens this process has verified, with their expiry: a token is the same bytes on every
   * request of a session, and checking its signature again proves nothing new until it expires.
   */
  private readonly verified = new LRUCache<string, { sub: string; exp: number }>({ max: 50_000 });

  /** The user id of a valid token, or undefined for a bad, expired or forged one. */
  async verify(token: string): Promise<string | undefined> {
    const known = this.verified.get(token);
    if (known !== undefined) {
      if (Date.now() / 1000 < known.exp) return known.sub;
      this.verified.delete(token);
    }
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: 'cowatch',
        algorithms: ['HS256'],
      });
      // The subject becomes a user id in uuid columns: any other subject proves no one.
      const sub = isUuid(payload.sub) ? payload.sub : undefined;
      if (sub !== undefined && payload.exp !== undefined) {
        this.verified.set(token, { sub, exp: payload.exp });
      }
      return sub;
    } catch (error) {
      if (error instanceof errors.JOSEError) return undefined;
      throw error;
    }
  }
}
