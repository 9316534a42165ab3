import { ecsFormat } from '@elastic/ecs-pino-format';
import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { DestinationStream, LoggerOptions } from 'pino';
import type { Config } from '../../config.js';

/**
 * The one field that ties log lines to the work that caused them. A request's lines carry its
 * request id there; background work (projector, reactors, hold expiry) carries the correlation id
 * of the event it handles, which is the id of the request that caused it. One search finds a
 * request and everything it set off (Filebeat maps this field onto ECS `http.request.id`).
 */
export const CORRELATION_LOG_FIELD = 'requestId';

const LOGS_INFO = new Set(['trace', 'debug', 'info']);

/**
 * Request lines as operators want them: nothing when a request arrives, one line when it is done
 * with its method, route, status and duration — not the response headers.
 */
class RequestLog extends LogController {
  constructor() {
    super({ requestIdLogLabel: CORRELATION_LOG_FIELD });
  }

  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    // At warn and above a good answer logs nothing: do not build its line for nothing.
    if (!error && !LOGS_INFO.has(reply.log.level)) return;
    const route = request.routeOptions.url ?? null;
    const status = reply.statusCode;
    const ms = reply.elapsedTime;
    const line = {
      http: { request: { method: request.method }, response: { status_code: status }, route },
      url: { path: request.url.split('?')[0] },
      // ECS durations are nanoseconds.
      event: { duration: Math.round(ms * 1e6) },
    };
    const message = `${request.method} ${route ?? request.url.split('?')[0]} ${status} ${ms.toFixed(1)} ms`;
    if (error) reply.log.error({ ...line, err: error }, message);
    else reply.log.info(line, message);
  }
}

/**
 * Background code names the id `correlationId`, as events' metadata does; it is logged under
 * the requests' field, so lines of a request and of the work it caused share one field.
 */
function correlationUnderRequestField(object: Record<string, unknown>): Record<string, unknown> {
  if (!('correlationId' in object) || CORRELATION_LOG_FIELD in object) return object;
  const { correlationId, ...rest } = object;
  return { ...rest, [CORRELATION_LOG_FIELD]: correlationId };
}

/** pino options: Elastic Common Schema lines (they load into ELK as they are). */
function loggerOptions(level: Config['LOG_LEVEL']): LoggerOptions {
  const ecs = ecsFormat({ serviceName: 'cowatch' });
  const { log, bindings } = ecs.formatters ?? {};
  return {
    ...ecs,
    level,
    formatters: {
      ...ecs.formatters,
      log: (object) => (log ?? ((o) => o))(correlationUnderRequestField(object)),
      bindings: (values) =>
        (bindings ?? ((o) => o))(correlationUnderRequestField(values) as typeof values),
    },
  };
}

/** The Fastify options that set up cowatch's logging; `stream` captures lines (tests). */
export function loggingOptions(level: Config['LOG_LEVEL'], stream?: DestinationStream) {
  return {
    logger: stream ? { ...loggerOptions(level), stream } : loggerOptions(level),
    logController: new RequestLog(),
  };
}
