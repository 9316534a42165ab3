import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OpenAPIV3 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorTable } from '../../src/api/error-table.js';
import { codesOfNoOperation } from '../../src/api/openapi/operation-contracts.js';
import { startTestApp, type TestApp } from '../support/app.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const apiDocsDir = join(root, 'docs', 'api');
/** Every page of the API docs, whoever wrote it: codes and routes count wherever they are. */
const apiDocs = readdirSync(apiDocsDir)
  .filter((name) => name.endsWith('.md'))
  .map((name) => ({ name, text: readFileSync(join(apiDocsDir, name), 'utf8') }));
const allApiDocs = apiDocs.map((page) => page.text).join('\n');
const codes = Object.keys(errorTable) as (keyof typeof errorTable)[];

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
type Operation = OpenAPIV3.OperationObject;

let t: TestApp;
let document: OpenAPIV3.Document;
const operations: { key: string; path: string; method: string; operation: Operation }[] = [];

beforeAll(async () => {
  t = await startTestApp();
  const response = await t.app.inject({ url: '/openapi.json' });
  expect(response.statusCode).toBe(200);
  document = response.json();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item?.[method];
      if (operation) {
        const key = `${method.toUpperCase()} ${path}`;
        operations.push({ key, path, method: method.toUpperCase(), operation });
      }
    }
  }
}, 120_000);
afterAll(() => t?.close());

/** The codes an operation's error responses name. */
function codesOf(operation: Operation): string[] {
  return Object.values(operation.responses).flatMap((response) => {
    if ('$ref' in response) return [];
    const schema = response.content?.['application/problem+json']?.schema as
      | { allOf?: { properties?: { code?: { enum?: string[] } } }[] }
      | undefined;
    return (schema?.allOf ?? []).flatMap((part) => part.properties?.code?.enum ?? []);
  });
}

const header = (operation: Operation, name: string) =>
  (operation.parameters ?? []).some(
    (p) => !('$ref' in p) && p.in === 'header' && p.name.toLowerCase() === name.toLowerCase(),
  );
const responseHeader = (operation: Operation, status: string, name: string) => {
  const response = operation.responses[status];
  return response !== undefined && !('$ref' in response) && name in (response.headers ?? {});
};

describe('the error table, the docs and the OpenAPI document agree', () => {
  it.each(codes)('docs/api/*.md document `%s`', (code) => {
    const documented = allApiDocs.includes(`\`${code}\``);
    expect(documented, `add \`${code}\` to a page of docs/api/`).toBe(true);
  });

  it('the problem schema lists every code of the table', () => {
    const problem = document.components?.schemas?.Problem as OpenAPIV3.SchemaObject;
    const code = problem.properties?.code as OpenAPIV3.SchemaObject;
    expect([...(code.enum ?? [])].sort()).toEqual([...codes].sort());
  });

  it('every code is answered by some operation, or says why not', () => {
    const answered = new Set(operations.flatMap(({ operation }) => codesOf(operation)));
    const missing = codes.filter((code) => !answered.has(code) && !(code in codesOfNoOperation));
    expect(missing, 'declare them in src/api/openapi/operation-contracts.ts').toEqual([]);
    const claimedUnused = Object.keys(codesOfNoOperation).filter((code) => answered.has(code));
    expect(claimedUnused).toEqual([]);
  });

  it('each error response carries the code of its own status', () => {
    for (const { key, operation } of operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!status.startsWith('4') && !status.startsWith('5')) continue;
        for (const code of codesOf({ responses: { [status]: response } })) {
          expect(errorTable[code as keyof typeof errorTable]?.status, `${key} ${code}`).toBe(
            Number(status),
          );
        }
      }
    }
  });
});

describe('every operation of the OpenAPI document', () => {
  it('is documented in docs/api/*.md', () => {
    const undocumented = operations
      .filter(({ path }) => path.startsWith('/api/'))
      .map(({ method, path }) => `${method} ${path.replaceAll(/\{(\w+)\}/g, ':$1')}`)
      .filter((route) => !allApiDocs.includes(route));
    expect(undocumented, 'write them up in docs/api/<capability>.md').toEqual([]);
  });

  it('declares its errors as problem+json, a request id, and its security', () => {
    for (const { key, operation } of operations) {
      const errors = Object.keys(operation.responses).filter((s) => /^[45]/.test(s));
      expect(errors, key).toContain('500');
      const isPrivate = JSON.stringify(operation.security) === JSON.stringify([{ bearer: [] }]);
      const refusesTokens = codesOf(operation).includes('unauthorized');
      expect(refusesTokens, `${key}: 401 unauthorized exactly when private`).toBe(
        isPrivate || key === 'GET /api/screenings',
      );
      for (const status of Object.keys(operation.responses)) {
        expect(responseHeader(operation, status, 'X-Request-Id'), `${key} ${status}`).toBe(true);
      }
      expect(operation.security, key).toBeDefined();
    }
  });

  it('declares the consistency, idempotency and concurrency headers where they apply', () => {
    const byKey = new Map(operations.map((o) => [o.key, o.operation]));
    const op = (key: string) => {
      const found = byKey.get(key);
      expect(found, key).toBeDefined();
      return found as Operation;
    };
    for (const key of [
      'POST /api/places',
      'POST /api/screenings',
      'POST /api/screenings/{id}/cancel',
      'POST /api/bookings',
      'POST /api/bookings/{id}/cancel',
    ]) {
      expect(header(op(key), 'Idempotency-Key'), key).toBe(true);
      expect(
        responseHeader(
          op(key),
          key === 'POST /api/screenings/{id}/cancel' || key === 'POST /api/bookings/{id}/cancel'
            ? '200'
            : '201',
          'X-Position',
        ),
        key,
      ).toBe(true);
    }
    for (const { key, method, operation } of operations) {
      // WebSockets (`/api/ws`, `/api/rooms/{roomId}/ws`) send live state, not a read model.
      if (method === 'GET' && !key.endsWith('/ws')) {
        expect(header(operation, 'X-Min-Position'), key).toBe(true);
      }
    }
    expect(header(op('POST /api/screenings/{id}/cancel'), 'If-Match')).toBe(true);
    expect(header(op('POST /api/bookings'), 'Prefer')).toBe(true);
    expect(responseHeader(op('GET /api/screenings/{id}'), '200', 'ETag')).toBe(true);
    expect(op('GET /api/screenings/{id}').security).toEqual([{}, { bearer: [] }]);
    expect(op('GET /api/bookings/my').security).toEqual([{ bearer: [] }]);
  });

  it('describes the notifications WebSocket and its messages', () => {
    const socket = document.paths['/api/ws']?.get as Operation & { 'x-websocket'?: unknown };
    expect(Object.keys(socket.responses)).toEqual(expect.arrayContaining(['101', '401']));
    expect(socket.responses['200']).toBeUndefined();
    expect(socket.description).toContain('"type": "resume"');
    expect(socket['x-websocket']).toEqual({
      serverMessages: { $ref: '#/components/schemas/NotificationSocketServerMessage' },
      clientMessages: { $ref: '#/components/schemas/NotificationSocketClientMessage' },
    });
    expect(document.components?.schemas).toHaveProperty('NotificationSocketServerMessage');
  });
});

describe('the docs', () => {
  it('docs/operating.md documents every configuration variable', () => {
    const config = readFileSync(join(root, 'src', 'config.ts'), 'utf8');
    const variables = [...config.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1] ?? '');
    expect(variables.length).toBeGreaterThan(10);
    const operating = readFileSync(join(root, 'docs', 'operating.md'), 'utf8');
    expect(variables.filter((name) => !operating.includes(`\`${name}\``))).toEqual([]);
  });

  const pages = ['README.md', ...walk(join(root, 'docs'))];

  it.each(pages)('%s links only to files that exist', (page) => {
    const file = resolve(root, page);
    const text = readFileSync(file, 'utf8');
    const broken = [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
      .map((match) => match[1] ?? '')
      .filter((target) => !/^[a-z]+:/i.test(target))
      .filter((target) => {
        try {
          readFileSync(resolve(dirname(file), target));
          return false;
        } catch (error) {
          return (error as NodeJS.ErrnoException).code !== 'EISDIR';
        }
      });
    expect(broken).toEqual([]);
    expect(text).not.toContain('../shared');
  });
});

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return walk(path);
    return entry.name.endsWith('.md') ? [path.slice(root.length)] : [];
  });
}
