import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
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

/** Sends a problem+json response for a code of the error table. */
export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  code: ErrorCode,
  detail: string,
  extra: Record<string, unknown> = {},
): FastifyReply {
  const { status, title } = errorTable[code];
  const problem: Problem = {
    type: `https://cowatch.dev/problems/${code.replaceAll('_', '-')}`,
    title,
    status,
    detail,
    code,
    requestId: request.id,
    ...extra,
  };
  return reply.code(status).type('application/problem+json').send(problem);
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
