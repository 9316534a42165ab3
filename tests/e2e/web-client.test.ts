import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WEB_ROOT, webRoutes } from '../../src/api/web/web-routes.js';
import { startTestApp, type TestApp } from '../support/app.js';

// The built client (tests/support/build-web.ts builds it before the suite) served at `/`.
let test: TestApp;
let script: string;
let stylesheet: string;

beforeAll(async () => {
  test = await startTestApp();
  const assets = await readdir(join(DEFAULT_WEB_ROOT, 'assets'));
  script = `/assets/${assets.find((f) => f.endsWith('.js'))}`;
  stylesheet = `/assets/${assets.find((f) => f.endsWith('.css'))}`;
});

afterAll(async () => {
  await test?.close();
});

const get = (url: string, headers: Record<string, string> = {}) =>
  test.app.inject({ method: 'GET', url, headers });

describe('the web client at /', () => {
  it('serves index.html, revalidated, under a strict CSP', async () => {
    const response = await get('/');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.body).toContain(script);
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers the client routes with index.html (SPA fallback)', async () => {
    for (const path of ['/films', '/films/0b6f', '/screenings/x?y=1', '/bookings', '/login']) {
      const response = await get(path);
      expect(response.statusCode, path).toBe(200);
      expect(response.headers['content-type'], path).toMatch(/^text\/html/);
      expect(response.headers['cache-control'], path).toBe('no-cache');
    }
  });

  it('never falls back for API, operations, docs and media paths, nor unknown files', async () => {
    for (const path of [
      '/api/nothing',
      '/api/films/x/y/z',
      '/health/nothing',
      '/metrics/x',
      '/docs/nothing-here',
      '/media/nothing',
      '/assets/missing-0000.js',
      '/somewhere-else',
    ]) {
      const response = await get(path, { accept: 'text/html' });
      expect(response.statusCode, path).toBe(404);
      expect(response.headers['content-type'], path).not.toMatch(/^text\/html/);
    }
  });

  it('serves hashed assets as immutable, pre-compressed when the client accepts it', async () => {
    const plain = await get(script);
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-type']).toMatch(/javascript/);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-encoding']).toBeUndefined();

    // A production build: no development JSX, which names every source file's absolute path.
    expect(plain.body).not.toMatch(/fileName:|lineNumber:/);

    const brotli = await get(script, { 'accept-encoding': 'br, gzip' });
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotli.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);

    const css = await get(stylesheet, { 'accept-encoding': 'gzip' });
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect(css.headers['content-encoding']).toBe('gzip');
    expect(css.headers['cache-control']).toContain('immutable');
  });

  it('leaves the API responses without the page CSP', async () => {
    const response = await get('/api/films?limit=1');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-security-policy']).toBeUndefined();
  });

  it('says how to build the client when it is not built', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'cowatch-web-'));
    const app = Fastify();
    await app.register(webRoutes, { root: empty });
    try {
      const response = await app.inject({ method: 'GET', url: '/films' });
      expect(response.statusCode).toBe(503);
      expect(response.body).toContain('npm run build:web');
    } finally {
      await app.close();
      await rm(empty, { recursive: true, force: true });
    }
  });
});
