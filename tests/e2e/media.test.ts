import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_MEDIA_DIR } from '../../src/api/media/media-files.js';
import {
  problemOf,
  registerUser,
  startTestApp,
  type TestApp,
  type TestUser,
} from '../support/app.js';

let t: TestApp;
let viewer: TestUser;
let mediaDir: string;
/** A film with a file of its own in MEDIA_DIR, and one that plays the sample. */
let own: { id: string };
let other: { id: string };
/** Not a real video: known bytes, so every slice can be checked exactly. */
const ownBytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) % 256));

beforeAll(async () => {
  mediaDir = await mkdtemp(join(tmpdir(), 'cowatch-media-'));
  t = await startTestApp({ MEDIA_DIR: mediaDir });
  viewer = await registerUser(t.app, 'Media Viewer');
  const films = await t.app.inject({ url: '/api/films?limit=2' });
  [own, other] = films.json<{ items: { id: string }[] }>().items as [
    { id: string },
    { id: string },
  ];
  await mkdir(join(mediaDir, own.id));
  await writeFile(join(mediaDir, own.id, '720p.mp4'), ownBytes);
});
afterAll(async () => {
  await t?.close();
  await rm(mediaDir, { recursive: true, force: true });
});

function get(url: string, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'GET', url, headers: { ...viewer.auth, ...headers } });
}

function expectProblem(response: LightMyRequestResponse, status: number, code: string) {
  expect(response.statusCode, response.body).toBe(status);
  expect(problemOf(response).code).toBe(code);
}

describe('GET /media/:filmId/:quality', () => {
  it('answers the whole file with Accept-Ranges', async () => {
    const response = await get(`/media/${own.id}/720p`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['accept-ranges']).toBe('bytes');
    expect(response.headers['content-type']).toBe('video/mp4');
    expect(response.headers['content-length']).toBe(String(ownBytes.length));
    expect(response.rawPayload.equals(ownBytes)).toBe(true);
  });

  it.each([
    ['bytes=0-99', 0, 100],
    ['bytes=100-', 100, 1000],
    ['bytes=-100', 900, 1000],
    ['bytes=990-5000', 990, 1000],
  ])('answers %s with 206 and exactly those bytes', async (range, start, end) => {
    const response = await get(`/media/${own.id}/720p`, { range });
    expect(response.statusCode, response.body).toBe(206);
    expect(response.headers['content-range']).toBe(`bytes ${start}-${end - 1}/1000`);
    expect(response.headers['content-length']).toBe(String(end - start));
    expect(response.rawPayload.equals(ownBytes.subarray(start, end))).toBe(true);
  });

  it('answers HEAD with the length and no body (players probe with it)', async () => {
    const response = await t.app.inject({
      method: 'HEAD',
      url: `/media/${own.id}/720p`,
      headers: viewer.auth,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-length']).toBe('1000');
    expect(response.rawPayload.length).toBe(0);
  });

  it('refuses a range beyond the end with 416 and the length', async () => {
    const response = await get(`/media/${own.id}/720p`, { range: 'bytes=1000-1099' });
    expectProblem(response, 416, 'range_not_satisfiable');
    expect(response.headers['content-range']).toBe('bytes */1000');
  });

  it('plays the bundled sample for a film without its own file, in both qualities', async () => {
    for (const quality of ['360p', '720p']) {
      const sample = await readFile(join(SAMPLE_MEDIA_DIR, `${quality}.mp4`));
      // The sample is a real MP4 with its index first (faststart): `ftyp`, then `moov`.
      expect(sample.subarray(4, 8).toString()).toBe('ftyp');
      expect(sample.includes('moov') && sample.indexOf('moov') < sample.indexOf('mdat')).toBe(true);
      const response = await get(`/media/${other.id}/${quality}`, { range: 'bytes=-100' });
      expect(response.statusCode).toBe(206);
      expect(response.headers['content-range']).toBe(
        `bytes ${sample.length - 100}-${sample.length - 1}/${sample.length}`,
      );
      expect(response.rawPayload.equals(sample.subarray(-100))).toBe(true);
    }
    // The film with its own 720p still plays the sample's 360p.
    const sample = await readFile(join(SAMPLE_MEDIA_DIR, '360p.mp4'));
    const response = await get(`/media/${own.id}/360p`, { range: 'bytes=0-99' });
    expect(response.rawPayload.equals(sample.subarray(0, 100))).toBe(true);
  });

  it('needs a signed-in user: 401 without a token or with a bad one', async () => {
    const url = `/media/${own.id}/720p`;
    expectProblem(await t.app.inject({ url }), 401, 'unauthorized');
    expectProblem(await t.app.inject({ url: `${url}?token=nonsense` }), 401, 'unauthorized');
  });

  it('takes the token as ?token= (a <video> element sends no Authorization header)', async () => {
    const response = await t.app.inject({
      url: `/media/${own.id}/720p?token=${viewer.token}`,
      headers: { range: 'bytes=0-9' },
    });
    expect(response.statusCode).toBe(206);
    expect(response.rawPayload.equals(ownBytes.subarray(0, 10))).toBe(true);
  });

  it('answers 404 for an unknown film or quality, 400 for a malformed one', async () => {
    const unknown = '0190a5c4-0000-7000-8000-000000000000';
    expectProblem(await get(`/media/${unknown}/720p`), 404, 'film_not_found');
    expectProblem(await get(`/media/${own.id}/1080p`), 404, 'media_not_found');
    expectProblem(await get(`/media/${own.id}/..%2F..%2Fetc`), 400, 'validation_failed');
    expectProblem(await get(`/media/not-a-film/720p`), 400, 'validation_failed');
  });
});
