import type { ApiErrorCode } from './error-table.js';

/** An expected API-level refusal (not the domain's); its status comes from the error table. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    /** Headers to send with the problem, e.g. Retry-After. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}
