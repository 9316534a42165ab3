import type {} from '@fastify/websocket';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Runtime } from '../../runtime.js';
import { ApiError } from '../api-error.js';
import { requireUser } from '../plugins/authentication.js';
import type { TypedApp } from '../routes/typed-app.js';
import type { RoomLive } from './live/room-live.js';
import { accessRoom } from './room-access.js';
import { roomParams } from './room-schemas.js';

/** `GET /api/rooms/:roomId/ws`: the room socket; 401 and 404 are answered before the upgrade. */
export function roomSocketRoute(app: TypedApp, runtime: Runtime, live: RoomLive): void {
  const access = new WeakMap<FastifyRequest, boolean>();
  app.route({
    method: 'GET',
    url: '/api/rooms/:roomId/ws',
    schema: {
      params: roomParams,
      querystring: z.object({ token: z.string().max(4096).optional() }),
      hide: true,
    },
    preHandler: async (request) => {
      const userId = requireUser(request);
      const { roomId } = request.params as { roomId: string };
      const { friendOfHost } = await accessRoom(runtime.commands, runtime.db, roomId, userId);
      access.set(request, friendOfHost);
    },
    handler: async () => {
      throw new ApiError(
        'upgrade_required',
        'GET /api/rooms/:roomId/ws is a WebSocket: send Upgrade: websocket',
        {
          Upgrade: 'websocket',
          Connection: 'Upgrade',
        },
      );
    },
    wsHandler: (socket, request) => {
      const userId = requireUser(request);
      live.connect(request.params.roomId, userId, access.get(request) ?? false, socket);
    },
  });
}
