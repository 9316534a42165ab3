import { z } from 'zod';

// PostgreSQL text and jsonb cannot hold U+0000, and a lone UTF-16 surrogate has no UTF-8 form
// (jsonb refuses it, text would silently store U+FFFD): both are refused as bad input, once,
// here, rather than failing as a 500 or changing what the client sent.
const NUL = String.fromCharCode(0);
const LONE_SURROGATE = /\p{Cs}/u;

/** The one rule every client string obeys; undefined when it does, else why not. */
export function textProblem(value: string): string | undefined {
  if (value.includes(NUL)) return 'must not contain the NUL character';
  if (LONE_SURROGATE.test(value)) return 'must not contain a lone UTF-16 surrogate';
  return undefined;
}

/** A client string that obeys the text rule (no NUL, no lone surrogate), as it was sent. */
export function plainString() {
  return z.string().check((ctx) => {
    const problem = textProblem(ctx.value);
    if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
  });
}

/** Free text from a client, at most `max` characters, trimmed, obeying the text rule. */
export function text(max: number) {
  return plainString().trim().max(max);
}
