import { isUuid } from '../../domain/ids.js';
import type { Db, UserRow } from '../../projections/db/database.js';
import { ApiError } from '../api-error.js';

/** A user as the API shows it. */
export interface User {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
}

/** A new account; the email is normalised here (trimmed, lower-cased). */
export interface NewUser extends User {
  readonly passwordHash: string;
}

const UNIQUE_VIOLATION = '23505';

function toUser(row: Pick<UserRow, 'id' | 'email' | 'display_name'>): User {
  return { id: row.id, email: row.email, displayName: row.display_name };
}

/** The normal form emails are stored and looked up in. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Inserts a user; an email already registered (in any case) is a 409 email_taken. */
export async function insertUser(db: Db, user: NewUser): Promise<User> {
  try {
    const row = await db
      .insertInto('users')
      .values({
        id: user.id,
        email: normalizeEmail(user.email),
        password_hash: user.passwordHash,
        display_name: user.displayName,
      })
      .returning(['id', 'email', 'display_name'])
      .executeTakeFirstOrThrow();
    return toUser(row);
  } catch (error) {
    if ((error as { code?: unknown }).code === UNIQUE_VIOLATION) {
      throw new ApiError('email_taken', 'an account with this email already exists');
    }
    throw error;
  }
}

/** The user with this email (any case) and their password hash, if registered. */
export async function findUserByEmail(
  db: Db,
  email: string,
): Promise<{ user: User; passwordHash: string } | undefined> {
  const row = await db
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'password_hash'])
    .where('email', '=', normalizeEmail(email))
    .executeTakeFirst();
  return row && { user: toUser(row), passwordHash: row.password_hash };
}

/** The user with this id, if it exists. */
export async function findUserById(db: Db, id: string): Promise<User | undefined> {
  // The column is a uuid: anything else would be a database error, not a missing user.
  if (!isUuid(id)) return undefined;
  const row = await db
    .selectFrom('users')
    .select(['id', 'email', 'display_name'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toUser(row);
}
