import { z } from 'zod';

// PostgreSQL text and jsonb cannot hold U+0000: refuse it here as bad input, not later as a 500.
const NUL = String.fromCharCode(0);

/** Free text from a client, at most `max` characters, trimmed, without the NUL character. */
export function text(max: number) {
  return z
    .string()
    .trim()
    .max(max)
    .refine((value) => !value.includes(NUL), 'must not contain the NUL character');
}
