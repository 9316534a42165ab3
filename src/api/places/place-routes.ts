import { z } from 'zod';
import { createPlace, deletePlace } from '../../commands/place-commands.js';
import { DomainError } from '../../domain/errors.js';
import { pageQuery, pageSchema } from '../pagination.js';
import { requireUser } from '../plugins/authentication.js';
import { setPosition } from '../plugins/consistency.js';
import { newResourceId } from '../resource-id.js';
import type { RouteDeps } from '../routes/index.js';
import type { TypedApp } from '../routes/typed-app.js';
import { createPlaceBody, placeParams, placeSchema } from '../schemas/place.js';
import { findPlace, listHostPlaces } from './place-queries.js';

const tags = ['places'];
const security = [{ bearer: [] }];

/** Creating, listing, reading and deleting a host's places. */
export async function placeRoutes(app: TypedApp, { runtime }: RouteDeps) {
  app.post(
    '/api/places',
    {
      config: { idempotent: true },
      schema: { tags, security, body: createPlaceBody, response: { 201: placeSchema } },
    },
    async (request, reply) => {
      const hostId = requireUser(request);
      const { name, address = null, description = null, timeZone = null } = request.body;
      const input = {
        placeId: newResourceId(request, 'place'),
        hostId,
        name,
        address,
        description,
        timeZone,
      };
      const result = await createPlace(runtime.commands, input, {
        correlationId: request.id,
        userId: hostId,
      });
      setPosition(reply, result.position);
      const place = { id: input.placeId, hostId, name, address, description, timeZone };
      const createdAt = result.state.status === 'initial' ? '' : result.state.createdAt;
      return reply.code(201).send({ ...place, createdAt });
    },
  );

  app.get(
    '/api/places/my',
    {
      schema: {
        tags,
        security,
        description: "The caller's places, newest first (deleted ones left out).",
        querystring: z.object(pageQuery),
        response: { 200: pageSchema(placeSchema) },
      },
    },
    async (request) => listHostPlaces(runtime.db, requireUser(request), request.query),
  );

  app.get(
    '/api/places/:placeId',
    { schema: { tags, params: placeParams, response: { 200: placeSchema } } },
    async (request) => {
      const place = await findPlace(runtime.db, request.params.placeId);
      if (!place) throw new DomainError('place_not_found', 'no such place');
      return place;
    },
  );

  app.delete(
    '/api/places/:placeId',
    {
      schema: {
        tags,
        security,
        description: 'Refused while the place has scheduled screenings that have not started.',
        params: placeParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const hostId = requireUser(request);
      const { placeId } = request.params;
      const metadata = { correlationId: request.id, userId: hostId };
      const result = await deletePlace(runtime.commands, { placeId, hostId }, metadata);
      setPosition(reply, result.position);
      return reply.code(204).send(null);
    },
  );
}
