import type { FastifyRequest } from 'fastify';
import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';

const NAMESPACE = '9b8e6f2a-3c1d-4e5f-8a7b-6c5d4e3f2a1b';

/**
 * The id of a resource a POST creates. With an `Idempotency-Key` it is derived from the key,
 * so a retry after a lost or failed answer decides again on the same id (a no-op) instead of
 * creating a second booking or screening.
 */
export function newResourceId(request: FastifyRequest, purpose: string): string {
  const claim = request.idempotencyKey;
  return claim ? uuidv5(`${claim.scope}\n${claim.key}\n${purpose}`, NAMESPACE) : uuidv7();
}
