import {
  closeRoom,
  inviteToRoom,
  openRoom,
  setRoomLock,
  setRoomMembership,
} from '../../commands/room-commands.js';
import { DomainError } from '../../domain/errors.js';
import type { Room } from '../../domain/room/index.js';
import { ApiError } from '../api-error.js';
import { requireUser } from '../plugins/authentication.js';
import { setPosition } from '../plugins/consistency.js';
import { newResourceId } from '../resource-id.js';
import type { RouteDeps } from '../routes/index.js';
import type { TypedApp } from '../routes/typed-app.js';
import { RoomLive } from './live/room-live.js';
import { accessRoom } from './room-access.js';
import {
  filmMedia,
  listJoinableRooms,
  listMessages,
  mayJoin,
  roomFactsOf,
} from './room-queries.js';
import {
  inviteBody,
  messagePage,
  messagesQuery,
  openRoomBody,
  roomListQuery,
  roomPage,
  roomParams,
  roomSchema,
} from './room-schemas.js';
import { roomSocketRoute } from './room-socket-route.js';
import { factsOf, presentRoom, presentRooms } from './room-views.js';

const tags = ['rooms'];
const security = [{ bearer: [] }];

/** The REST side of watch-together rooms; the room socket is in room-socket-routes. */
export async function roomRoutes(app: TypedApp, { runtime, realtime, readModels }: RouteDeps) {
  const { db, commands, config } = runtime;
  const live = new RoomLive(runtime, realtime, readModels, app.log, {
    silentMs: config.ROOM_SILENT_MS,
    bufferWaitMs: config.ROOM_BUFFER_WAIT_MS,
    firstLoadWaitMs: config.ROOM_FIRST_LOAD_WAIT_MS,
    sweepMs: config.ROOM_SWEEP_MS,
  });
  app.addHook('onClose', async () => live.close());
  const roomPresence = live.presence;
  roomSocketRoute(app, runtime, live);
  const show = (room: Room | undefined) => {
    if (!room) throw new DomainError('room_not_found', 'no such room');
    return presentRoom(db, factsOf(room), roomPresence);
  };

  app.post(
    '/api/rooms',
    {
      config: { idempotent: true },
      schema: {
        tags,
        security,
        description:
          'Opens a room for a film with media; the caller hosts it. Invitees are notified (room.invited).',
        body: openRoomBody,
        response: { 201: roomSchema },
      },
    },
    async (request, reply) => {
      const hostId = requireUser(request);
      const { filmId, invite = [], locked = false } = request.body;
      const film = await filmMedia(db, filmId);
      if (!film) throw new ApiError('film_not_found', 'no such film');
      if (!film.hasMedia)
        throw new DomainError('media_unavailable', 'the film has no playable media');
      await requireUsers(invite);
      const input = {
        roomId: newResourceId(request, 'room'),
        filmId,
        hostId,
        durationSeconds: film.durationSeconds,
        invite,
        locked,
      };
      const result = await openRoom(commands, input, { correlationId: request.id, userId: hostId });
      setPosition(reply, result.position);
      return reply.code(201).send(await show(result.state));
    },
  );

  app.get(
    '/api/rooms',
    {
      schema: {
        tags,
        security,
        description:
          'Open rooms the caller may join: own, joined, invited, or hosted by a friend; newest first.',
        querystring: roomListQuery,
        response: { 200: roomPage },
      },
    },
    async (request) => {
      const page = await listJoinableRooms(db, requireUser(request), request.query);
      const items = await presentRooms(db, await roomFactsOf(db, page.items), roomPresence);
      return { items, nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/api/rooms/:roomId',
    { schema: { tags, security, params: roomParams, response: { 200: roomSchema } } },
    async (request) => {
      const userId = requireUser(request);
      const [room] = await roomFactsOf(db, [request.params.roomId]);
      if (!room || !(await mayJoin(db, room, userId)))
        throw new DomainError('room_not_found', 'no such room');
      return presentRoom(db, room, roomPresence);
    },
  );

  app.post(
    '/api/rooms/:roomId/invite',
    {
      schema: {
        tags,
        security,
        description: 'Host only.',
        params: roomParams,
        body: inviteBody,
        response: { 200: roomSchema },
      },
    },
    async (request, reply) => {
      const userId = requireUser(request);
      const { roomId } = request.params;
      await accessRoom(commands, db, roomId, userId);
      await requireUsers(request.body.userIds);
      const input = { roomId, userId, userIds: request.body.userIds };
      const result = await inviteToRoom(commands, input, { correlationId: request.id, userId });
      await live.publishEvents(roomId, result.events, result.position);
      setPosition(reply, result.position);
      return show(result.state);
    },
  );

  for (const action of ['join', 'leave'] as const) {
    app.post(
      `/api/rooms/:roomId/${action}`,
      { schema: { tags, security, params: roomParams, response: { 200: roomSchema } } },
      async (request, reply) => {
        const userId = requireUser(request);
        const { roomId } = request.params;
        const { friendOfHost } = await accessRoom(commands, db, roomId, userId);
        const input = { roomId, userId, join: action === 'join', friendOfHost };
        const result = await setRoomMembership(commands, input, {
          correlationId: request.id,
          userId,
        });
        await live.publishEvents(roomId, result.events, result.position);
        setPosition(reply, result.position);
        return show(result.state);
      },
    );
  }

  for (const action of ['lock', 'unlock'] as const) {
    app.post(
      `/api/rooms/:roomId/${action}`,
      {
        schema: {
          tags,
          security,
          description: `Host only: ${action === 'lock' ? 'only the host controls playback' : 'every member controls playback'}.`,
          params: roomParams,
          response: { 200: roomSchema },
        },
      },
      async (request, reply) => {
        const userId = requireUser(request);
        const { roomId } = request.params;
        await accessRoom(commands, db, roomId, userId);
        const input = { roomId, userId, locked: action === 'lock' };
        const result = await setRoomLock(commands, input, { correlationId: request.id, userId });
        await live.publishEvents(roomId, result.events, result.position);
        setPosition(reply, result.position);
        return show(result.state);
      },
    );
  }

  app.post(
    '/api/rooms/:roomId/close',
    {
      schema: {
        tags,
        security,
        description: 'Host only; closing twice is harmless.',
        params: roomParams,
        response: { 200: roomSchema },
      },
    },
    async (request, reply) => {
      const userId = requireUser(request);
      const { roomId } = request.params;
      await accessRoom(commands, db, roomId, userId);
      const result = await closeRoom(
        commands,
        { roomId, userId, reason: 'host' },
        { correlationId: request.id, userId },
      );
      await live.publishEvents(roomId, result.events, result.position);
      setPosition(reply, result.position);
      return show(result.state);
    },
  );

  app.get(
    '/api/rooms/:roomId/messages',
    {
      schema: {
        tags,
        security,
        description:
          'The chat, newest first; `nextCursor` is the `before` of the next page. Readable after close.',
        params: roomParams,
        querystring: messagesQuery,
        response: { 200: messagePage },
      },
    },
    async (request) => {
      const userId = requireUser(request);
      const { roomId } = request.params;
      const [room] = await roomFactsOf(db, [roomId]);
      if (!room || !(await mayJoin(db, room, userId)))
        throw new DomainError('room_not_found', 'no such room');
      return listMessages(db, roomId, request.query);
    },
  );

  async function requireUsers(userIds: readonly string[]): Promise<void> {
    const wanted = [...new Set(userIds)];
    if (wanted.length === 0) return;
    const found = await db.selectFrom('users').select('id').where('id', 'in', wanted).execute();
    if (found.length !== wanted.length)
      throw new ApiError('user_not_found', 'an invited user does not exist');
  }
}
