import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLIENT_ROUTE_SEGMENTS, RESERVED_PREFIXES } from '../../src/api/web/client-routes.js';

// The server answers index.html only for the client's own first path segments: a screen added
// to web/src/app.tsx without its segment here would 404 on reload or on a shared link.
const app = readFileSync(new URL('../../web/src/app.tsx', import.meta.url), 'utf8');
const routePaths = [...app.matchAll(/<Route\s+path="([^"]+)"/g)].map((m) => m[1] ?? '');

describe('the SPA fallback and the client routes', () => {
  it('reads the routes of the client', () => {
    expect(routePaths).toContain('/films/:id');
  });

  it('lists the first segment of every client route', () => {
    for (const path of routePaths) {
      const segment = path.split('/')[1] ?? '';
      if (segment === '') continue;
      expect(CLIENT_ROUTE_SEGMENTS, path).toContain(segment);
    }
  });

  it('never claims a path the API, operations, docs or media own', () => {
    for (const segment of CLIENT_ROUTE_SEGMENTS) {
      for (const prefix of RESERVED_PREFIXES) {
        expect(`/${segment}`.startsWith(prefix), `${segment} vs ${prefix}`).toBe(false);
      }
    }
  });
});
