import type { OpenAPIV3 } from 'openapi-types';
import { NOTIFICATION_TYPES } from '../../projections/read-models/notifications/notification-inbox.js';

const notification: OpenAPIV3.SchemaObject = {
  type: 'object',
  required: ['id', 'type', 'createdAt', 'data', 'cursor'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    type: { type: 'string', enum: [...NOTIFICATION_TYPES] },
    createdAt: { type: 'string', format: 'date-time' },
    data: { type: 'object', additionalProperties: true },
    cursor: { type: 'string', pattern: '^\\d+$' },
  },
};

/** The messages of the notifications WebSocket, as OpenAPI (3.0) has no words for sockets. */
export const socketMessageSchemas: Record<string, OpenAPIV3.SchemaObject> = {
  NotificationSocketServerMessage: {
    description: 'What the server sends on GET /api/ws (JSON text frames).',
    oneOf: [
      {
        type: 'object',
        required: ['type', 'notification'],
        properties: { type: { type: 'string', enum: ['notification'] }, notification },
      },
      {
        type: 'object',
        required: ['type', 'code', 'message'],
        properties: {
          type: { type: 'string', enum: ['error'] },
          code: {
            type: 'string',
            enum: ['invalid_message', 'resume_failed'],
            description:
              'invalid_message: the client sent something else than a resume; resume_failed: ' +
              'the inbox could not be read, send the resume again',
          },
          message: { type: 'string' },
        },
      },
    ],
  },
  NotificationSocketClientMessage: {
    description: 'What a client may send on GET /api/ws.',
    type: 'object',
    required: ['type'],
    properties: {
      type: { type: 'string', enum: ['resume'] },
      after: {
        type: 'string',
        pattern: '^\\d{1,18}$',
        description: 'The last cursor the client has; absent: from the beginning of the inbox',
      },
    },
  },
};

/** The parts of the `GET /api/ws` operation that describe the socket rather than a response. */
export function notificationSocketOperation(
  operation: OpenAPIV3.OperationObject,
): Partial<OpenAPIV3.OperationObject> & { 'x-websocket': Record<string, unknown> } {
  const { 200: _plain, ...responses } = operation.responses ?? {};
  return {
    summary: 'Live notifications (WebSocket)',
    description:
      'Upgrade to a WebSocket (`Connection: Upgrade`, `Upgrade: websocket`). Authenticate on ' +
      'the upgrade with `Authorization: Bearer <token>` or `?token=<token>`; a missing or bad ' +
      'token is refused before the upgrade with 401 problem+json.\n\n' +
      'Server → client (`NotificationSocketServerMessage`): `{ "type": "notification", ' +
      '"notification": { id, type, createdAt, data, cursor } }` for each new notification of ' +
      'the caller, in cursor order, at most once per connection; `{ "type": "error", "code", ' +
      '"message" }` for a message it cannot read.\n\n' +
      'Client → server (`NotificationSocketClientMessage`): `{ "type": "resume", "after": ' +
      '"<cursor>" }` sends everything after that cursor, in order, then continues live; send ' +
      'it on every (re)connection.\n\n' +
      'The server pings every 30 s (WS_PING_MS) and drops a connection that missed the ' +
      'previous ping.',
    security: [{ bearer: [] }],
    responses: {
      ...responses,
      101: { description: 'Switching Protocols: the WebSocket is open.' },
    },
    'x-websocket': {
      serverMessages: { $ref: '#/components/schemas/NotificationSocketServerMessage' },
      clientMessages: { $ref: '#/components/schemas/NotificationSocketClientMessage' },
    },
  };
}
