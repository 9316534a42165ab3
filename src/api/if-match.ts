import type { FastifyRequest } from 'fastify';
import { ApiError } from './api-error.js';

/** The version an `If-Match: "<version>"` header asks for, if any. */
export function expectedVersion(request: FastifyRequest): bigint | undefined {
  const header = request.headers['if-match'];
  if (header === undefined || header === '*') return undefined;
  const match = typeof header === 'string' ? /^(?:W\/)?"(\d{1,18})"$/.exec(header.trim()) : null;
  if (!match)
    throw new ApiError('validation_failed', 'If-Match must be a quoted version, e.g. "3"');
  return BigInt(match[1]!);
}

/** The ETag of a resource version. */
export function etag(version: number | bigint): string {
  return `"${version}"`;
}
