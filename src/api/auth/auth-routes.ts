import { v7 } from 'uuid';
import { ApiError } from '../api-error.js';
import { requireUser } from '../plugins/authentication.js';
import type { RouteDeps } from '../routes/index.js';
import type { TypedApp } from '../routes/typed-app.js';
import { loginBody, registerBody, sessionSchema, userSchema } from '../schemas/user.js';
import { hashPassword, verifyPassword } from './password.js';
import { findUserByEmail, findUserById, insertUser } from './user-queries.js';

/** Registration, login and the caller's own account. */
export async function authRoutes(app: TypedApp, { runtime, tokens }: RouteDeps) {
  app.post(
    '/api/auth/register',
    { schema: { tags: ['auth'], body: registerBody, response: { 201: sessionSchema } } },
    async (request, reply) => {
      const { email, password, displayName } = request.body;
      const passwordHash = await hashPassword(password, runtime.config.PASSWORD_HASH_COST);
      const user = await insertUser(runtime.db, { id: v7(), email, displayName, passwordHash });
      return reply.code(201).send({ user, accessToken: await tokens.issue(user.id) });
    },
  );

  app.post(
    '/api/auth/login',
    { schema: { tags: ['auth'], body: loginBody, response: { 200: sessionSchema } } },
    async (request) => {
      const found = await findUserByEmail(runtime.db, request.body.email);
      // Unknown email and wrong password take as long and answer alike.
      const valid = await verifyPassword(
        request.body.password,
        found?.passwordHash,
        runtime.config.PASSWORD_HASH_COST,
      );
      if (!found || !valid) {
        throw new ApiError('invalid_credentials', 'the email or the password is wrong');
      }
      return { user: found.user, accessToken: await tokens.issue(found.user.id) };
    },
  );

  app.get(
    '/api/me',
    {
      schema: { tags: ['auth'], security: [{ bearer: [] }], response: { 200: userSchema } },
    },
    async (request) => {
      const user = await findUserById(runtime.db, requireUser(request));
      // A valid token of a user that no longer exists is no proof of identity.
      if (!user) throw new ApiError('unauthorized', 'the account of this token no longer exists');
      return user;
    },
  );
}
