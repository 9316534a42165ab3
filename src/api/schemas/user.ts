import { z } from 'zod';
import { plainString, text } from './text.js';

// Trimmed and lower-cased before the format check, as it is stored; `meta` documents the input.
const email = plainString()
  .trim()
  .toLowerCase()
  .pipe(z.email().max(254))
  .meta({ format: 'email', maxLength: 254 });

/** A user as every response shows it. */
export const userSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  displayName: z.string(),
});

/** POST /api/auth/register. */
export const registerBody = z.object({
  email,
  password: plainString().min(8).max(200),
  displayName: text(100).min(1),
});

/** POST /api/auth/login: no format rules, so a bad email is just wrong credentials. */
export const loginBody = z.object({
  email: plainString().trim().min(1).max(254),
  password: plainString().min(1).max(200),
});

/** The answer of register and login. */
export const sessionSchema = z.object({ user: userSchema, accessToken: z.string() });
