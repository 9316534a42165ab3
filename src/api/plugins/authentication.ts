import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../api-error.js';
import type { TokenService } from '../auth/token-service.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's user id from a valid bearer token, if any. */
    userId: string | undefined;
    /** A bearer token was sent but is invalid or expired (the request is anonymous). */
    badToken: boolean;
  }
}

/** The bearer token of a request: `Authorization: Bearer …`, or `?token=` for WebSockets. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match?.[1] ?? '';
  }
  const query = request.query as Record<string, unknown> | undefined;
  return typeof query?.token === 'string' ? query.token : undefined;
}

/** Reads the bearer token on every request; routes then call `requireUser`. */
export const authentication = fp(
  async (app: FastifyInstance, options: { tokens: TokenService }) => {
    app.decorateRequest('userId', undefined);
    app.decorateRequest('badToken', false);
    app.addHook('onRequest', async (request) => {
      const token = bearerToken(request);
      if (token === undefined) return;
      const userId = await options.tokens.verify(token);
      // A bad token makes the request anonymous: a public route answers it as it would anyone
      // (the contract's 401 is for private routes), a private one refuses it in requireUser.
      if (userId) request.userId = userId;
      else request.badToken = true;
    });
  },
);

/** The caller's user id, or a 401 problem. */
export function requireUser(request: FastifyRequest): string {
  if (request.userId) return request.userId;
  throw new ApiError(
    'unauthorized',
    request.badToken
      ? 'the access token is invalid or expired'
      : 'sign in: this route needs a bearer token',
  );
}
