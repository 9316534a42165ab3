import fc from 'fast-check';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteEntry } from '../../src/api/plugins/route-table.js';
import { registerUser, startTestApp, type TestApp, type TestUser } from '../support/app.js';

// A bounded fuzzer over every route of the app's own route table (a new route is fuzzed without
// touching this file): hostile and plausible bodies, queries, path parameters and headers.
// Whatever comes in, the answer is never a 5xx, and every error is problem+json with the
// request id. Issue 10's fuzzer found 47 × 500, 334 non-problem errors, 178 without an id.
// This is the breadth half (random requests, every route incl. the web pages and HEAD twins);
// the depth half, fuzz-mutations.test.ts, changes one field of a valid request at a time so the
// hostile value reaches the handlers, the event store and the projector.

const TOTAL_CASES = 3_000;

let t: TestApp;
let app: FastifyInstance;
let host: TestUser;
let viewer: TestUser;
let routes: readonly RouteEntry[];
/** Ids and positions that exist, so that some cases reach past validation into the handlers. */
const known = { ids: [] as string[], positions: [] as string[], tokens: [] as string[] };

beforeAll(async () => {
  t = await startTestApp();
  app = t.app;
  host = await registerUser(app, 'Host');
  viewer = await registerUser(app, 'Viewer');
  routes = app.routeTable;
  await seed();
}, 60_000);
afterAll(() => t?.close());

async function seed() {
  const film = (await app.inject({ url: '/api/films?limit=1' })).json<{ items: { id: string }[] }>()
    .items[0]!;
  const place = await post('/api/places', host, { name: 'Fuzz hall' });
  const startsAt = new Date(t.clock.now().getTime() + 86_400_000).toISOString();
  const free = await post('/api/screenings', host, {
    placeId: place.id,
    filmId: film.id,
    startsAt,
    capacity: 50,
    price: { amount: 0, currency: 'EUR' },
  });
  const paid = await post('/api/screenings', host, {
    placeId: place.id,
    filmId: film.id,
    startsAt,
    seating: { rows: 5, seatsPerRow: 5 },
    price: { amount: 900, currency: 'EUR' },
  });
  const booking = await post('/api/bookings', viewer, { screeningId: free.id, quantity: 1 });
  known.ids.push(film.id, place.id, free.id, paid.id, booking.id, host.id, viewer.id);
  const nonUuidSubject = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('not-a-uuid')
    .setIssuer('cowatch')
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(t.config.JWT_SECRET));
  known.tokens.push(host.token, viewer.token, nonUuidSubject);
}

async function post(url: string, user: TestUser, payload: Record<string, unknown>) {
  const response = await app.inject({ method: 'POST', url, headers: user.auth, payload });
  if (response.statusCode !== 201) throw new Error(`seeding ${url}: ${response.body}`);
  known.positions.push(String(response.headers['x-position']));
  return response.json<{ id: string }>();
}

// --- Arbitraries -------------------------------------------------------------------------------

const NUL = String.fromCharCode(0);
const hostileString = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    NUL,
    `a${NUL}b`,
    'x\ud800',
    '\udfff',
    '😀',
    '-1',
    '0',
    '1e309',
    'NaN',
    'null',
    'true',
    '[]',
    '{}',
    "' OR 1=1 --",
    '../../etc/passwd',
    '%',
    '%ZZ',
    '%00',
    '\\',
    '"',
    '-005000-01-01T00:00:00.000Z',
    '+275760-09-13T00:00:00.000Z',
    '2026-13-45T25:61:61Z',
    'a'.repeat(5_000),
  ),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const plausibleString = fc.oneof(
  fc.constantFrom(...['2026-06-01T20:00:00Z', '2030-01-01T00:00:00.000Z', 'EUR', 'succeeded']),
  fc.uuid(),
);
const knownId = fc.integer({ min: 0, max: 1_000 }).map((i) => known.ids[i % known.ids.length]!);
const anyString = fc.oneof(hostileString, plausibleString, knownId);

/** JSON values a client might send for one field: plausible, hostile or odd. */
const fieldValue: fc.Arbitrary<unknown> = fc.oneof(
  anyString,
  knownId,
  fc.integer({ min: -5, max: 12 }),
  fc.constantFrom(0, -1, 2 ** 31, 2 ** 53, 1.5, 1e308, -0),
  fc.boolean(),
  fc.constant(null),
  fc.constant({ amount: 500, currency: 'EUR' }),
  fc.constant({ rows: 2, seatsPerRow: 3 }),
  fc.constant([{ row: 1, number: 1 }]),
  fc.array(
    fc.record({ row: fc.integer({ min: -1, max: 6 }), number: fc.integer({ min: -1, max: 6 }) }),
    {
      maxLength: 3,
    },
  ),
  fc.jsonValue({ maxDepth: 2 }),
);

/** The field names a zod schema (through its wrappers) declares, to aim values at them. */
function fieldNames(schema: unknown): string[] {
  let current = schema;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
    const shape = (current as { shape?: unknown }).shape;
    if (typeof shape === 'object' && shape !== null) return Object.keys(shape);
    const def = (current as { _zod?: { def?: { innerType?: unknown; in?: unknown } } })._zod?.def;
    current = def?.innerType ?? def?.in;
  }
  return [];
}

function objectOf(names: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  const keys = fc.oneof(fc.constantFrom(...names, 'extra'), hostileString);
  return fc.dictionary(names.length > 0 ? keys : hostileString, fieldValue, { maxKeys: 6 });
}

/** A body and its content type: aimed at the schema, any JSON, or bytes that are not JSON. */
function bodyFor(route: RouteEntry): fc.Arbitrary<Pick<InjectOptions, 'payload' | 'headers'>> {
  const json = (payload: unknown) => ({
    payload: JSON.stringify(payload),
    headers: { 'content-type': 'application/json' },
  });
  return fc.oneof(
    { weight: 4, arbitrary: objectOf(fieldNames(route.schema?.body)).map(json) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map(json) },
    { weight: 1, arbitrary: fc.constant({}) },
    {
      weight: 1,
      arbitrary: fc
        .record({
          payload: fc.oneof(hostileString, fc.constantFrom('{', '{"a":', '[1,', '\u0000')),
          type: fc.constantFrom(
            'application/json',
            'application/json; charset=latin1',
            'text/plain',
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=x',
            'application/xml',
            '',
          ),
        })
        .map(({ payload, type }) => ({ payload, headers: { 'content-type': type } })),
    },
  );
}

/** Percent-encodes what can be; a lone surrogate cannot, so it goes in as invalid UTF-8. */
function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
}

function queryFor(route: RouteEntry): fc.Arbitrary<string> {
  const names = [...fieldNames(route.schema?.querystring), 'cursor', 'limit', 'token'];
  const value = fc.oneof(
    anyString,
    fc.integer({ min: -5, max: 200 }).map(String),
    fc.constant('%ZZ'),
  );
  const pair = fc
    .tuple(fc.oneof(fc.constantFrom(...names), hostileString), value)
    .map(([k, v]) => (v === '%ZZ' ? `${encode(k)}=%ZZ` : `${encode(k)}=${encode(String(v))}`));
  return fc
    .array(pair, { maxLength: 4 })
    .map((pairs) => (pairs.length ? `?${pairs.join('&')}` : ''));
}

const segment = fc.oneof(
  { weight: 3, arbitrary: knownId },
  { weight: 2, arbitrary: fc.uuid() },
  { weight: 3, arbitrary: anyString.map((s) => encode(String(s))) },
  { weight: 1, arbitrary: fc.constantFrom('%ZZ', '%', '..', '%2F', 'a'.repeat(150)) },
);

function pathFor(route: RouteEntry): fc.Arbitrary<string> {
  const parts = route.url.split('/');
  return fc
    .tuple(
      ...parts.map((part) => (part.startsWith(':') || part === '*' ? segment : fc.constant(part))),
    )
    .map((filled) => filled.join('/'));
}

const headers = fc.record(
  {
    authorization: fc.oneof(
      fc
        .integer({ min: 0, max: 100 })
        .map((i) => `Bearer ${known.tokens[i % known.tokens.length]}`),
      fc.constantFrom('Bearer ', 'Bearer garbage', 'Basic dXNlcjpwYXNz', 'Bearer a.b.c'),
      hostileString.filter((s) => /^[\t\x20-\x7e]*$/.test(s)),
    ),
    'x-min-position': fc.oneof(
      fc.integer({ min: 0, max: 100 }).map((i) => known.positions[i % known.positions.length]!),
      // Not one past the head: waiting for it is a 503 by contract (projection_lagging).
      fc.constantFrom('0', '-1', 'abc', '1-', '0-0', '-', '1-1-1', '١-١'),
    ),
    'if-match': fc.constantFrom('"0"', '"1"', '"999"', '*', 'W/"2"', 'garbage', '"-1"', '""'),
    'idempotency-key': fc.oneof(fc.uuid(), fc.constantFrom('k', ' ', 'a'.repeat(300), 'é')),
    prefer: fc.constantFrom('wait=1', 'wait=0', 'wait=abc', 'respond-async'),
    'x-request-id': fc.constantFrom('fuzz-1', 'a b', 'x'.repeat(200), ''),
    accept: fc.constantFrom('application/json', 'text/html', '*/*', 'application/xml'),
    'stripe-signature': fc.constantFrom('t=1,v1=00', 'garbage', ''),
  },
  { requiredKeys: [] },
);

function requestFor(route: RouteEntry): fc.Arbitrary<InjectOptions> {
  const hasBody = !['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(route.method);
  return fc
    .record({
      path: pathFor(route),
      query: queryFor(route),
      headers,
      body: hasBody ? bodyFor(route) : fc.constant<Pick<InjectOptions, 'payload' | 'headers'>>({}),
    })
    .map(({ path, query, headers: h, body }) => ({
      method: route.method as InjectOptions['method'],
      url: `${path}${query}`,
      headers: { ...h, ...body.headers } as Record<string, string>,
      ...(body.payload === undefined ? {} : { payload: body.payload }),
    }));
}

// --- The property ------------------------------------------------------------------------------

/** Why an answer breaks the contract, or undefined when it keeps it. */
function contractBreach(
  request: InjectOptions,
  response: LightMyRequestResponse,
): string | undefined {
  const id = response.headers['x-request-id'];
  if (response.statusCode >= 500) return `answered ${response.statusCode}: ${response.body}`;
  if (typeof id !== 'string' || id === '') return 'no X-Request-Id';
  if (response.statusCode < 400 || request.method === 'HEAD') return undefined;
  if (!String(response.headers['content-type']).startsWith('application/problem+json')) {
    return `error ${response.statusCode} is not problem+json: ${response.body}`;
  }
  const problem = response.json<{ code?: unknown; requestId?: unknown; status?: unknown }>();
  if (typeof problem.code !== 'string') return 'problem without a code';
  if (problem.requestId !== id) return 'problem requestId differs from X-Request-Id';
  if (problem.status !== response.statusCode) return 'problem status differs from the answer';
  return undefined;
}

describe('fuzzing every route', () => {
  it('knows the routes from the route table', () => {
    const urls = new Set(routes.map((r) => `${r.method} ${r.url}`));
    for (const route of ['POST /api/bookings', 'GET /api/screenings', 'GET /api/ws']) {
      expect(urls).toContain(route);
    }
  });

  it(`answers ${TOTAL_CASES} hostile requests without a 5xx, each error a problem with its id`, async () => {
    const perRoute = Math.ceil(TOTAL_CASES / routes.length);
    const breaches: string[] = [];
    for (const route of routes) breaches.push(...(await fuzzRoute(route, perRoute)));
    expect(breaches).toEqual([]);
  }, 120_000);
});

/** Runs `numRuns` cases against one route; answers the breaches found (the first one ends it). */
async function fuzzRoute(route: RouteEntry, numRuns: number): Promise<string[]> {
  const breaches: string[] = [];
  const started = Date.now();
  let slowest = { ms: 0, request: '' };
  const property = fc.asyncProperty(requestFor(route), async (request) => {
    const sent = Date.now();
    const response = await app.inject(request);
    const ms = Date.now() - sent;
    if (ms > slowest.ms) slowest = { ms, request: JSON.stringify(request).slice(0, 300) };
    const breach = contractBreach(request, response);
    if (breach) breaches.push(`${request.method} ${request.url}: ${breach}`.slice(0, 400));
    return breach === undefined;
  });
  // Shrinking HTTP calls is slow: report the breach as found.
  const details = await fc.check(property, { numRuns, endOnFailure: true });
  // A breach is in `breaches`; anything else (an arbitrary or inject throwing) is a failure too.
  if (details.errorInstance && breaches.length === 0) breaches.push(String(details.errorInstance));
  if (process.env.FUZZ_DEBUG) {
    const took = Date.now() - started;
    console.log(
      `${route.method} ${route.url}: ${took} ms; slowest ${slowest.ms} ms`,
      slowest.request,
    );
  }
  return breaches;
}
