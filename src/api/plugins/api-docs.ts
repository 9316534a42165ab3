import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { openApiCompletion } from '../openapi/openapi-document.js';

/** The OpenAPI document at /openapi.json and its browsable form at /docs. */
export const apiDocs = fp(
  async (app: FastifyInstance) => {
    await app.register(swagger, {
      openapi: {
        info: {
          title: 'cowatch',
          description: 'Cinema screenings and co-watching bookings',
          version: '1.0.0',
        },
        components: {
          securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        },
      },
      // Error responses, headers, security and the WebSocket protocol for every route, in one place.
      ...openApiCompletion(),
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'cowatch-api-docs' },
);
