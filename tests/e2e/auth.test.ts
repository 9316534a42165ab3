import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../../src/api/auth/token-service.js';
import { problemOf, registerUser, startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
let n = 0;
const uniqueEmail = () => `user-${++n}-${Date.now()}@example.test`;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

function register(payload: Record<string, unknown>) {
  return t.app.inject({ method: 'POST', url: '/api/auth/register', payload });
}
function login(payload: Record<string, unknown>) {
  return t.app.inject({ method: 'POST', url: '/api/auth/login', payload });
}
function me(headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'GET', url: '/api/me', headers });
}

describe('POST /api/auth/register', () => {
  it('creates the user and signs them in', async () => {
    const email = uniqueEmail();
    const response = await register({ email, password: 'long enough', displayName: 'Ada' });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(Object.keys(body).sort()).toEqual(['accessToken', 'user']);
    expect(body.user).toEqual({ id: expect.any(String), email, displayName: 'Ada' });
    expect(body.user.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.user).not.toHaveProperty('passwordHash');
    expect(body.accessToken.split('.')).toHaveLength(3);
  });

  it('stores the email trimmed and lower-cased', async () => {
    const email = uniqueEmail();
    const response = await register({
      email: `  ${email.toUpperCase()} `,
      password: 'long enough',
      displayName: 'Bo',
    });
    expect(response.statusCode).toBe(201);
    expect(response.json().user.email).toBe(email);
  });

  it('refuses an email already registered, in any case: 409 email_taken', async () => {
    const email = uniqueEmail();
    expect((await register({ email, password: 'long enough', displayName: 'A' })).statusCode).toBe(
      201,
    );
    for (const again of [email, email.toUpperCase()]) {
      const response = await register({ email: again, password: 'other pass', displayName: 'B' });
      expect(response.statusCode).toBe(409);
      expect(problemOf(response).code).toBe('email_taken');
    }
  });

  it('refuses invalid input with 400 validation_failed listing each path', async () => {
    const response = await register({ email: 'not-an-email', password: 'short', displayName: '' });
    expect(response.statusCode).toBe(400);
    const problem = problemOf(response);
    expect(problem).toMatchObject({ status: 400, code: 'validation_failed' });
    const paths = response.json().errors.map((e: { path: string }) => e.path);
    expect(paths.sort()).toEqual(['body.displayName', 'body.email', 'body.password']);
  });

  it('refuses a password of 7 characters and accepts one of 8', async () => {
    const short = await register({ email: uniqueEmail(), password: '1234567', displayName: 'C' });
    expect(short.statusCode).toBe(400);
    expect(problemOf(short).code).toBe('validation_failed');
    expect(short.json().errors).toEqual([{ path: 'body.password', message: expect.any(String) }]);
    const ok = await register({ email: uniqueEmail(), password: '12345678', displayName: 'C' });
    expect(ok.statusCode).toBe(201);
  });

  it('refuses a missing body and a too long display name', async () => {
    const empty = await t.app.inject({ method: 'POST', url: '/api/auth/register' });
    expect(empty.statusCode).toBe(400);
    const long = await register({
      email: uniqueEmail(),
      password: '12345678',
      displayName: 'x'.repeat(101),
    });
    expect(long.statusCode).toBe(400);
    expect(problemOf(long).code).toBe('validation_failed');
  });
});

describe('POST /api/auth/login', () => {
  it('signs in with the right password, whatever the email case', async () => {
    const user = await registerUser(t.app, 'Login');
    const response = await login({
      email: user.email.toUpperCase(),
      password: 'correct horse battery',
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.user).toEqual({ id: user.id, email: user.email, displayName: 'Login' });
    expect((await me({ authorization: `Bearer ${body.accessToken}` })).json().id).toBe(user.id);
  });

  it('answers 401 invalid_credentials alike for a wrong password and an unknown email', async () => {
    const user = await registerUser(t.app, 'Wrong');
    const wrong = await login({ email: user.email, password: 'incorrect horse' });
    const unknown = await login({ email: uniqueEmail(), password: 'correct horse battery' });
    for (const response of [wrong, unknown]) {
      expect(response.statusCode).toBe(401);
      const problem = problemOf(response);
      expect(problem.code).toBe('invalid_credentials');
      expect(problem.detail).toBe('the email or the password is wrong');
    }
  });
});

describe('GET /api/me', () => {
  it('answers the caller', async () => {
    const user = await registerUser(t.app, 'Me');
    const response = await me(user.auth);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ id: user.id, email: user.email, displayName: 'Me' });
  });

  it('answers 401 unauthorized without a token', async () => {
    const response = await me();
    expect(response.statusCode).toBe(401);
    expect(problemOf(response).code).toBe('unauthorized');
  });

  it('answers 401 unauthorized for a garbage token or one signed with another secret', async () => {
    const user = await registerUser(t.app, 'Forger');
    const forged = await new TokenService('another-secret-another-secret-4242').issue(user.id);
    for (const token of ['garbage', forged, `${user.token}x`]) {
      const response = await me({ authorization: `Bearer ${token}` });
      expect(response.statusCode).toBe(401);
      expect(problemOf(response).code).toBe('unauthorized');
    }
  });

  it('answers 401 for a valid token of a user that does not exist', async () => {
    const secret = t.config.JWT_SECRET ?? '';
    const token = await new TokenService(secret).issue('0190a5c4-0000-7000-8000-000000000000');
    const response = await me({ authorization: `Bearer ${token}` });
    expect(response.statusCode).toBe(401);
    expect(problemOf(response).code).toBe('unauthorized');
  });
});

describe('X-Request-Id', () => {
  it('echoes a sane incoming id, also in the problem body', async () => {
    const response = await me({ 'x-request-id': 'client-req.42:abc' });
    expect(response.headers['x-request-id']).toBe('client-req.42:abc');
    expect(problemOf(response)).toMatchObject({ requestId: 'client-req.42:abc' });
  });

  it('replaces an insane one with a fresh id', async () => {
    for (const insane of ['has spaces', 'x'.repeat(200), 'a\tb', 'forged\nlog line']) {
      const response = await me({ 'x-request-id': insane });
      const id = response.headers['x-request-id'];
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.json().requestId).toBe(id);
    }
  });

  it('sends a fresh id when none came', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/health/live' });
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
