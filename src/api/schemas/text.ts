import { z } from 'zod';

// PostgreSQL text and jsonb cannot hold U+0000: refuse it here as bad input, not later as a 500.
const NO_NUL = /^[^\u0000]*$/;

/** Free text from a client, at most `max` characters, trimmed, without the NUL character. */
export function text(max: number) {
  return z.string().trim().max(max).regex(NO_NUL, 'must not contain the NUL character');
}
