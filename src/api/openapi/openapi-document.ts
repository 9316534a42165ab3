import type { RouteOptions } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import type { OpenAPIV3 } from 'openapi-types';
import { type ErrorCode, errorTable } from '../error-table.js';
import {
  codesOfNoOperation,
  type OperationContract,
  operationContracts,
  type RequestHeader,
  type ResponseHeader,
} from './operation-contracts.js';
import { notificationSocketOperation, socketMessageSchemas } from './websocket-docs.js';

type Document = OpenAPIV3.Document;
type Operation = OpenAPIV3.OperationObject;

/** What the document needs to know of a route beyond its schemas. */
interface RouteFacts {
  readonly idempotent: boolean;
  readonly websocket: boolean;
  readonly hasInput: boolean;
  readonly secured: boolean;
  readonly contract: OperationContract;
}

// Routes the rate limiter leaves alone (see plugins/protection.ts).
const UNLIMITED = ['/health/', '/metrics', '/docs', '/openapi.json', '/api/webhooks/'];
const BODYLESS = new Set(['GET', 'HEAD', 'OPTIONS']);

const problemRef = { $ref: '#/components/schemas/Problem' };
const requestIdHeader = { $ref: '#/components/headers/X-Request-Id' };

const requestHeaders: Record<
  RequestHeader | 'Idempotency-Key' | 'X-Min-Position',
  OpenAPIV3.ParameterObject
> = {
  'Idempotency-Key': {
    name: 'Idempotency-Key',
    in: 'header',
    description:
      'A retry with the same key and body gets the first response again (with ' +
      '`Idempotent-Replayed: true`); another body is 422 idempotency_key_reused, a retry while ' +
      'the first runs 409 idempotency_key_in_flight. Scoped to the caller.',
    schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
  },
  'X-Min-Position': {
    name: 'X-Min-Position',
    in: 'header',
    description:
      "A command's `X-Position`: answer only once the read models have passed it (waits up to " +
      '5 s, then 503 projection_lagging with Retry-After).',
    schema: { type: 'string' },
  },
  'If-Match': {
    name: 'If-Match',
    in: 'header',
    description:
      'The screening version (its ETag) the command expects, e.g. `"3"`; a stale one is 412 ' +
      'version_mismatch. `*` or absent: any version.',
    schema: { type: 'string', example: '"3"' },
  },
  Prefer: {
    name: 'Prefer',
    in: 'header',
    description:
      '`wait=<seconds>` (at most 10): a paid hold waits that long for billing to open its ' +
      'payment, so the 201 carries `payment`.',
    schema: { type: 'string', example: 'wait=5' },
  },
  'Stripe-Signature': {
    name: 'Stripe-Signature',
    in: 'header',
    required: true,
    description: '`t=<unix time>,v1=<HMAC-SHA256 of "<t>.<raw body>">` with the endpoint secret.',
    schema: { type: 'string' },
  },
};

const responseHeaders: Record<ResponseHeader, OpenAPIV3.HeaderObject> = {
  'X-Position': {
    description:
      'Position of the events this command appended: send it as X-Min-Position to read its effects.',
    schema: { type: 'string' },
  },
  ETag: {
    description: 'The screening version, quoted: `"<version>"`; send it back as If-Match.',
    schema: { type: 'string' },
  },
  Location: { description: 'The URL of the created resource.', schema: { type: 'string' } },
};

/** The one problem+json schema every error response refers to. */
function problemSchema(): OpenAPIV3.SchemaObject {
  return {
    type: 'object',
    description: 'RFC 9457 problem details, as every error is sent (application/problem+json).',
    required: ['type', 'title', 'status', 'detail', 'code', 'requestId'],
    properties: {
      type: { type: 'string', format: 'uri', example: 'https://cowatch.dev/problems/sold-out' },
      title: { type: 'string', example: 'Sold out' },
      status: { type: 'integer', example: 409 },
      detail: { type: 'string', example: 'the screening is sold out' },
      code: {
        type: 'string',
        enum: Object.keys(errorTable),
        description: 'Stable snake_case code: program against it, not against title or detail.',
      },
      requestId: { type: 'string', description: 'The response’s X-Request-Id' },
      errors: {
        type: 'array',
        description: 'validation_failed: one entry per problem',
        items: {
          type: 'object',
          required: ['path', 'message'],
          properties: { path: { type: 'string' }, message: { type: 'string' } },
        },
      },
    },
    additionalProperties: true,
  };
}

/** The codes an operation may answer: those of its kind, then its own. */
function errorCodesOf(method: string, path: string, facts: RouteFacts): ErrorCode[] {
  const codes: ErrorCode[] = ['internal_error'];
  // A public route ignores a bad token (the caller is anonymous); a private one refuses it.
  if (facts.secured) codes.push('unauthorized');
  if (!UNLIMITED.some((prefix) => path.startsWith(prefix))) codes.push('rate_limited');
  if (facts.hasInput) codes.push('validation_failed');
  if (!BODYLESS.has(method)) {
    codes.push('invalid_body', 'payload_too_large', 'unsupported_media_type');
  }
  if (method === 'GET' && !facts.websocket) codes.push('invalid_position', 'projection_lagging');
  if (facts.idempotent) {
    codes.push('validation_failed', 'idempotency_key_in_flight', 'idempotency_key_reused');
  }
  codes.push(...(facts.contract.errors ?? []));
  return [...new Set(codes)];
}

/** One response per status, listing its codes; the problem schema narrowed to them. */
function errorResponses(codes: readonly ErrorCode[]): Record<string, OpenAPIV3.ResponseObject> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const { status } = errorTable[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, ofStatus]) => [
      String(status),
      {
        description: ofStatus.map((code) => `\`${code}\`: ${errorTable[code].title}`).join('; '),
        headers: { 'X-Request-Id': requestIdHeader },
        content: {
          'application/problem+json': {
            schema: {
              allOf: [
                problemRef,
                { type: 'object', properties: { code: { type: 'string', enum: ofStatus } } },
              ],
            },
          },
        },
      },
    ]),
  );
}

function completeOperation(method: string, path: string, operation: Operation, facts: RouteFacts) {
  const { contract } = facts;
  const parameters = [...(operation.parameters ?? [])];
  if (facts.idempotent) parameters.push(requestHeaders['Idempotency-Key']);
  if (method === 'GET' && !facts.websocket) parameters.push(requestHeaders['X-Min-Position']);
  for (const header of contract.requestHeaders ?? []) parameters.push(requestHeaders[header]);
  operation.parameters = parameters;

  for (const [status, response] of Object.entries(operation.responses ?? {})) {
    if ('$ref' in response) continue;
    response.headers = { ...response.headers, 'X-Request-Id': requestIdHeader };
    if (status.startsWith('2')) {
      for (const header of contract.responseHeaders ?? []) {
        response.headers[header] = responseHeaders[header];
      }
    }
  }
  const errors = errorResponses(errorCodesOf(method, path, facts));
  // A status the route's schema already describes (e.g. readiness' 503) keeps its own body.
  operation.responses = { ...errors, ...operation.responses };
  // Public routes take a token too: a bad one is refused (401) rather than ignored.
  operation.security ??= [{}, { bearer: [] }];
}

/**
 * Swagger options that complete the generated document: error responses (one problem schema),
 * headers, security, and the WebSocket protocol. One place for every route, rather than edits
 * in each route file.
 */
export function openApiCompletion() {
  const facts = new Map<string, RouteFacts>();
  return {
    transform(input: Parameters<typeof jsonSchemaTransform>[0]) {
      const route = input.route as RouteOptions & { websocket?: boolean; wsHandler?: unknown };
      const websocket = route.websocket === true || route.wsHandler !== undefined;
      const schema = (route.schema ?? {}) as Record<string, unknown>;
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) {
        const key = `${method} ${route.url}`;
        facts.set(openApiKey(method, route.url), {
          idempotent: route.config?.idempotent === true,
          websocket,
          hasInput: ['body', 'querystring', 'params'].some((part) => schema[part] !== undefined),
          secured: websocket || schema.security !== undefined,
          contract: route.config?.openapi ?? operationContracts[key] ?? {},
        });
      }
      const transformed = jsonSchemaTransform(input);
      // @fastify/websocket hides its routes from the document; ours are part of the API.
      if (websocket) {
        const socketSchema = { ...transformed.schema, hide: false, tags: ['notifications'] };
        return { ...transformed, schema: socketSchema };
      }
      return transformed;
    },

    transformObject(generated: { openapiObject: object } | { swaggerObject: object }) {
      // Only OpenAPI 3.0 is generated (the `openapi` option); anything else passes through.
      if (!('openapiObject' in generated)) return generated.swaggerObject;
      const document = generated.openapiObject as Document;
      document.components = {
        ...document.components,
        schemas: {
          ...document.components?.schemas,
          Problem: problemSchema(),
          ...socketMessageSchemas,
        },
        headers: {
          ...document.components?.headers,
          'X-Request-Id': {
            description:
              'The request id: the incoming X-Request-Id when sane (1–128 of A–Z a–z 0–9 . _ : -), ' +
              'else a new one. It is in the problem body and in every log line of the request.',
            schema: { type: 'string' },
          },
        },
      };
      for (const [path, item] of Object.entries(document.paths ?? {})) {
        for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
          const operation = item?.[method];
          const routeFacts = facts.get(`${method.toUpperCase()} ${path}`);
          if (!operation || !routeFacts) continue;
          if (routeFacts.websocket)
            Object.assign(operation, notificationSocketOperation(operation));
          completeOperation(method.toUpperCase(), path, operation, routeFacts);
        }
      }
      return document;
    },
  };
}

/** `GET /api/places/:placeId` → `GET /api/places/{placeId}`, as the document's paths read. */
function openApiKey(method: string, url: string): string {
  return `${method} ${url.replaceAll(/:(\w+)/g, '{$1}')}`;
}

/** Codes no operation answers, with why (the test of the document reads it). */
export { codesOfNoOperation };
