import { type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { v4 as uuidv4 } from 'uuid';
import { ApiError } from '../api-error.js';
import { type ErrorCode, errorTable, isErrorCode } from '../error-table.js';

/** An RFC 9457 problem as cowatch sends it. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: ErrorCode;
  readonly requestId: string;
  readonly errors?: readonly { path: string; message: string }[];
  readonly [extra: string]: unknown;
}

function problemOf(
  code: ErrorCode,
  detail: string,
  requestId: string,
  extra: Record<string, unknown> = {},
): Problem {
  const { status, title } = errorTable[code];
  const type = `https://cowatch.dev/problems/${code.replaceAll('_', '-')}`;
  return { type, title, status, detail, code, requestId, ...extra };
}

/** Sends a problem+json response for a code of the error table. */
export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  code: ErrorCode,
  detail: string,
  extra: Record<string, unknown> = {},
): FastifyReply {
  const problem = problemOf(code, detail, request.id, extra);
  // Not through the route's response schema: one declared for this status (e.g. a 503 of
  // /health/ready) would fail to serialize the problem and turn it into a bare 500.
  // Set here too: errors Fastify raises before the onRequest hooks (a bad URL) skip them.
  return reply
    .header('X-Request-Id', request.id)
    .code(problem.status)
    .type('application/problem+json')
    .serializer((body: unknown) => JSON.stringify(body))
    .send(problem);
}

// Fastify's own client errors, by code, when no better mapping applies.
const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_body',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_body',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_body',
};

function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors = error.validation.map((issue) => ({
      path: `${error.validationContext ?? 'body'}${issue.instancePath.replaceAll('/', '.')}`,
      message: issue.message ?? 'is not valid',
    }));
    return sendProblem(
      request,
      reply,
      'validation_failed',
      'the request does not match the schema',
      { errors },
    );
  }
  if (error instanceof ApiError) reply.headers(error.headers);
  const code: unknown = (error as { code?: unknown }).code;
  if (isErrorCode(code)) {
    const details = (error as { details?: Record<string, unknown> }).details;
    return sendProblem(request, reply, code, error.message, details ?? {});
  }
  const fastifyCode = typeof code === 'string' ? fastifyCodes[code] : undefined;
  if (fastifyCode) return sendProblem(request, reply, fastifyCode, error.message);
  if (error.statusCode === 429) return sendProblem(request, reply, 'rate_limited', error.message);
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return sendProblem(request, reply, 'invalid_body', error.message);
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendProblem(
    request,
    reply,
    'internal_error',
    'something went wrong on our side; the request id helps us find it',
  );
}

// Errors the router finds before any route or hook runs (Fastify's `frameworkErrors`).
const routerCodes: Record<string, ErrorCode> = {
  FST_ERR_BAD_URL: 'malformed_request',
  FST_ERR_MAX_PARAM_LENGTH: 'uri_too_long',
};

/** Fastify's `frameworkErrors`: a URL the router cannot read becomes a problem too. */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const code = routerCodes[error.code];
  if (code) return sendProblem(request, reply, code, error.message);
  return handleError(error, request, reply);
}

/**
 * Fastify's `clientErrorHandler`: Node found the request unreadable (malformed HTTP, headers too
 * large, too slow to arrive) before any request object exists, so the problem is written to the
 * socket by hand, with a request id of its own, and the connection closed.
 */
export function clientErrorHandler(
  this: FastifyInstance,
  error: Error & { code?: string },
  socket: Duplex,
): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code: ErrorCode =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? 'request_timeout'
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? 'headers_too_large'
        : 'malformed_request';
  const requestId = uuidv4();
  this.log.info({ requestId, err: error }, `client error: ${code}`);
  // As Node does: write only when no response to this request has begun.
  const response = (socket as { _httpMessage?: ServerResponse })._httpMessage;
  if (socket.writable && !response?.headersSent) {
    const problem = problemOf(code, error.message, requestId);
    const body = JSON.stringify(problem);
    socket.write(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n` +
        'Content-Type: application/problem+json\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${requestId}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy();
}

/** Maps every error to problem+json once: typed codes through the table, the rest as a 500. */
export const problemDetails = fp(async (app: FastifyInstance) => {
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      request,
      reply,
      'route_not_found',
      `no route for ${request.method} ${request.url.split('?')[0]}`,
    ),
  );
});
