import type {} from '@fastify/websocket';
import { listNotifications } from '../../projections/read-models/notifications/notification-inbox.js';
import { ApiError } from '../api-error.js';
import { requireUser } from '../plugins/authentication.js';
import type { RouteDeps } from '../routes/index.js';
import type { TypedApp } from '../routes/typed-app.js';
import { inboxQuery, inboxSchema, socketQuery } from '../schemas/notification.js';
import { NotificationSocket } from './notification-socket.js';

const tags = ['notifications'];
const security = [{ bearer: [] }];

/** The caller's notifications inbox and the live notifications WebSocket. */
export async function notificationRoutes(app: TypedApp, deps: RouteDeps) {
  const { runtime, realtime } = deps;

  app.get(
    '/api/notifications',
    {
      schema: {
        tags,
        security,
        description:
          "The caller's notifications after the cursor `after`, oldest first. Send " +
          'X-Min-Position to see the notifications of a command just made. Live: open the ' +
          'WebSocket `GET /api/ws` (bearer header or `?token=`; 401 before the upgrade), ' +
          'receive `{ type: "notification", notification }`, send `{ type: "resume", after }` ' +
          'to get what was missed, in order; unanswered pings (every 30 s) drop the socket.',
        querystring: inboxQuery,
        response: { 200: inboxSchema },
      },
    },
    async (request) => {
      const userId = requireUser(request);
      return listNotifications(runtime.db, { userId, ...request.query });
    },
  );

  app.route({
    method: 'GET',
    url: '/api/ws',
    // Before the upgrade, so a missing token is an HTTP 401 problem, not a socket.
    onRequest: async (request) => {
      requireUser(request);
    },
    schema: { querystring: socketQuery, hide: true },
    // A plain GET (no `Upgrade: websocket`) gets a problem saying what is missing.
    handler: async () => {
      throw new ApiError(
        'upgrade_required',
        'GET /api/ws is a WebSocket: send Upgrade: websocket',
        {
          Upgrade: 'websocket',
          Connection: 'Upgrade',
        },
      );
    },
    wsHandler: (socket, request) => {
      const userId = requireUser(request);
      realtime.sockets.add(new NotificationSocket(userId, socket, runtime.db, request.log));
    },
  });
}
