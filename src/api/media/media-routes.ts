import send from '@fastify/send';
import { z } from 'zod';
import { ApiError } from '../api-error.js';
import { requireUser } from '../plugins/authentication.js';
import type { RouteDeps } from '../routes/index.js';
import type { TypedApp } from '../routes/typed-app.js';
import { filmQualities, mediaFile, QUALITY } from './media-files.js';

const mediaParams = z.object({
  filmId: z.uuid(),
  quality: z.string().regex(QUALITY, 'a quality such as 360p or 720p'),
});

/** A film's video, with HTTP range requests, for signed-in users. */
export async function mediaRoutes(app: TypedApp, { runtime }: RouteDeps) {
  const mediaDir = runtime.config.MEDIA_DIR;
  app.get(
    '/media/:filmId/:quality',
    {
      schema: {
        tags: ['media'],
        security: [{ bearer: [] }],
        description:
          "A film's video (MP4, H.264 + AAC) in one of its `media.qualities`: its own file, or " +
          'the bundled sample. Honours `Range` (one range: 206 with Content-Range; suffix ' +
          'ranges too; 416 range_not_satisfiable beyond the end) and `If-Range`/ETag. A ' +
          '<video> element cannot send headers: pass the token as `?token=` instead.',
        params: mediaParams,
      },
    },
    async (request, reply) => {
      requireUser(request);
      const { filmId, quality } = request.params;
      const qualities = await filmQualities(runtime.db, filmId);
      if (!qualities) throw new ApiError('film_not_found', `no film ${filmId}`);
      const path = qualities.includes(quality)
        ? await mediaFile(mediaDir, filmId, quality)
        : undefined;
      if (!path) {
        const offered = qualities.length ? qualities.join(', ') : 'none';
        throw new ApiError('media_not_found', `no ${quality} video of film ${filmId} (${offered})`);
      }
      // @fastify/send parses Range (suffix and open ranges, If-Range) and streams the slice.
      const result = await send(request.raw, path, { acceptRanges: true, cacheControl: false });
      if (result.type === 'file') {
        // The URL carries the user's token: keep the video out of shared caches.
        return reply
          .code(result.statusCode)
          .headers(result.headers)
          .header('cache-control', 'private, max-age=3600')
          .send(result.stream);
      }
      result.stream.destroy();
      if (result.statusCode === 416) {
        const contentRange = result.headers['Content-Range'] ?? '';
        throw new ApiError('range_not_satisfiable', `the file has ${contentRange}`, {
          'content-range': contentRange,
        });
      }
      // Not modified (a conditional GET) carries no body and is not an error.
      if (result.statusCode === 304) return reply.code(304).headers(result.headers).send();
      if (result.statusCode === 412) {
        throw new ApiError('version_mismatch', 'the file no longer matches If-Match');
      }
      throw new ApiError('media_not_found', `the ${quality} video of film ${filmId} is unreadable`);
    },
  );
}
