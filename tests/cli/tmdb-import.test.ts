import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filmIdOf } from '../../src/films/tmdb/tmdb-import.js';
import { backends } from './cli-env.js';

/** A local stand-in for TMDB's v3 API: three popular pages, a search, films, one 429, one 500. */
class FakeTmdb {
  readonly requests: string[] = [];
  readonly titles = new Map<number, string>();
  #server: Server | undefined;
  #limited = new Set<number>([102]);
  base = '';

  async start(): Promise<void> {
    this.#server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://fake');
      this.requests.push(`${url.pathname}${url.search}`);
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        response.writeHead(status, { 'content-type': 'application/json', ...headers });
        response.end(JSON.stringify(body));
      };
      if (url.searchParams.get('api_key') !== 'test-key') return send(401, { status_code: 7 });
      const page = Number(url.searchParams.get('page') ?? '1');
      if (url.pathname === '/3/movie/popular') {
        const ids =
          [
            [101, 102],
            [103, 104],
            [105, 106],
          ][page - 1] ?? [];
        return send(200, { page, total_pages: 3, results: ids.map((id) => ({ id })) });
      }
      if (url.pathname === '/3/search/movie') {
        return send(200, { page, total_pages: 1, results: [{ id: 101 }, { id: 107 }] });
      }
      const id = Number(/^\/3\/movie\/(\d+)$/.exec(url.pathname)?.[1]);
      if (id === 104) return send(500, { status_code: 11 });
      if (this.#limited.delete(id)) return send(429, { status_code: 25 }, { 'retry-after': '1' });
      if (!Number.isInteger(id)) return send(404, { status_code: 34 });
      return send(200, {
        id,
        title: this.titles.get(id) ?? `Film ${id}`,
        original_title: `Película ${id}`,
        release_date: '2020-05-01',
        runtime: 100 + (id % 10),
        overview: `The story of film ${id}.`,
        vote_average: 7.25,
        vote_count: 10,
        poster_path: `/p${id}.jpg`,
        genres: [{ id: 1, name: 'Science Fiction' }],
        credits: {
          cast: [
            { name: `Second ${id}`, order: 1 },
            { name: `Lead ${id}`, order: 0 },
          ],
          crew: [
            { name: `Director ${id}`, job: 'Director' },
            { name: `Writer ${id}`, job: 'Screenplay' },
          ],
        },
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.#server.address() as AddressInfo;
    this.base = `http://127.0.0.1:${port}/3`;
  }

  detailRequests(): string[] {
    return this.requests.filter((r) => /^\/3\/movie\/\d+/.test(r));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()));
  }
}

interface Report {
  found: number;
  inserted: number;
  updated: number;
  unchanged: number;
  failed: number;
  rateLimitWaits: number;
}

for (const backend of backends) {
  describe(`films import --tmdb on ${backend.name}`, () => {
    const tmdb = new FakeTmdb();
    let cacheDir = '';
    beforeAll(async () => {
      await tmdb.start();
      cacheDir = await mkdtemp(join(tmpdir(), 'cowatch-tmdb-'));
    });
    afterAll(async () => {
      await tmdb.stop();
      await rm(cacheDir, { recursive: true, force: true });
    });

    it('imports pages, waits out a 429, reports a 500 per film, and re-imports idempotently', async () => {
      const env = await backend.create();
      try {
        const args = [
          'films',
          'import',
          '--tmdb',
          '--popular',
          '--pages',
          '2',
          '--search',
          'alpha',
        ];
        const withKey = { TMDB_API_KEY: 'test-key', TMDB_API_BASE: tmdb.base };
        const cli = async (extra: string[]) => {
          Object.assign(env.env, withKey);
          const result = await env.cli([...args, ...extra]);
          if (!result.out) throw new Error(`no report: ${result.err}`);
          return { ...result, report: JSON.parse(result.out) as Report };
        };

        const first = await cli(['--ids', '108', '--cache-dir', cacheDir]);
        expect(first.code).toBe(1);
        expect(first.report).toMatchObject({
          found: 6,
          inserted: 5,
          updated: 0,
          failed: 1,
          rateLimitWaits: 1,
        });
        expect(first.err).toContain('tmdb 104: TMDB answered 500');
        // The page limit: the third popular page is never asked for.
        expect(tmdb.requests.some((r) => r.startsWith('/3/movie/popular?page=3'))).toBe(false);

        const runtime = await env.open();
        try {
          const row = await runtime.db
            .selectFrom('films')
            .selectAll()
            .where('id', '=', filmIdOf(101))
            .executeTakeFirstOrThrow();
          expect(row).toMatchObject({
            title: 'Film 101',
            original_title: 'Película 101',
            year: 2020,
            genres: ['science-fiction'],
            cast_names: ['Lead 101', 'Second 101'],
            directors: ['Director 101'],
            poster_url: 'https://image.tmdb.org/t/p/w500/p101.jpg',
            source: 'tmdb',
            source_id: '101',
          });
          expect(Number(row.rating)).toBe(7.3);
        } finally {
          await runtime.close();
        }

        const detailsBefore = tmdb.detailRequests().length;
        const again = await cli(['--ids', '108', '--cache-dir', cacheDir]);
        expect(again.report).toMatchObject({ found: 6, inserted: 0, updated: 0, unchanged: 5 });
        // Only the failed film is asked for again: the others come from the cache.
        expect(tmdb.detailRequests().slice(detailsBefore)).toEqual([
          '/3/movie/104?append_to_response=credits&api_key=test-key',
        ]);

        tmdb.titles.set(103, 'Film 103, restored');
        const fresh = await cli(['--no-cache']);
        expect(fresh.report).toMatchObject({ found: 5, inserted: 0, updated: 1, unchanged: 3 });
        const reopened = await env.open();
        try {
          const films = await reopened.db
            .selectFrom('films')
            .select(['title', 'added_at', 'updated_at'])
            .where('source', '=', 'tmdb')
            .execute();
          expect(films).toHaveLength(5);
          expect(films.map((f) => f.title)).toContain('Film 103, restored');
        } finally {
          await reopened.close();
        }
      } finally {
        await env.dispose();
      }
      // Several CLI processes, each opening the store (PGlite starts cold in each).
    }, 240_000);

    it('refuses to run without TMDB_API_KEY or without a selection', async () => {
      const env = await backend.create();
      try {
        const noKey = await env.cli(['films', 'import', '--tmdb', '--popular']);
        expect(noKey.code).toBe(2);
        expect(noKey.err).toContain('TMDB_API_KEY');
        Object.assign(env.env, { TMDB_API_KEY: 'test-key', TMDB_API_BASE: tmdb.base });
        const nothing = await env.cli(['films', 'import', '--tmdb']);
        expect(nothing.code).toBe(2);
        expect(nothing.err).toContain('--ids, --search or --popular');
      } finally {
        await env.dispose();
      }
    });
  });
}
