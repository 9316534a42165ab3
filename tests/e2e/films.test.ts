import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemOf, startTestApp, type TestApp } from '../support/app.js';

interface Film {
  id: string;
  title: string;
  year: number;
  genres: string[];
  durationMinutes: number;
  description: string;
}
interface Page {
  items: Film[];
  nextCursor: string | null;
}

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

async function films(query: Record<string, string> = {}): Promise<Page> {
  const response = await t.app.inject({ method: 'GET', url: '/api/films', query });
  expect(response.statusCode).toBe(200);
  return response.json();
}

async function everyFilm(query: Record<string, string> = {}): Promise<Film[]> {
  const all: Film[] = [];
  let cursor: string | null = null;
  do {
    const page: Page = await films({ ...query, limit: '100', ...(cursor ? { cursor } : {}) });
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

const byTitleThenId = (a: Film, b: Film) =>
  a.title < b.title ? -1 : a.title > b.title ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

describe('GET /api/films', () => {
  it('serves the shipped catalogue of at least 100 films, 20 per page by default', async () => {
    const page = await films();
    expect(page.items).toHaveLength(20);
    expect(page.nextCursor).toEqual(expect.any(String));
    expect(Object.keys(page.items[0] ?? {}).sort()).toEqual(
      ['description', 'durationMinutes', 'genres', 'id', 'title', 'year'].sort(),
    );
    expect((await everyFilm()).length).toBeGreaterThanOrEqual(100);
  });

  it('walks the whole catalogue page by page with no duplicates and no gaps', async () => {
    const all = await everyFilm();
    const walked: Film[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page = await films({ limit: '7', ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(7);
      walked.push(...page.items);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(Math.ceil(all.length / 7));
    expect(new Set(walked.map((f) => f.id)).size).toBe(walked.length);
    expect(walked).toEqual(all);
    expect(walked.map((f) => f.id)).toEqual([...walked].sort(byTitleThenId).map((f) => f.id));
  });

  it('searches titles case-insensitively by substring', async () => {
    const all = await everyFilm();
    const matches = await everyFilm({ q: 'tHe' });
    expect(matches.length).toBeGreaterThan(0);
    expect(matches).toEqual(all.filter((f) => f.title.toLowerCase().includes('the')));
  });

  it('takes % and _ in q literally', async () => {
    expect((await films({ q: '%' })).items).toEqual([]);
    expect((await films({ q: '_' })).items).toEqual([]);
    expect((await films({ q: '' })).items).toHaveLength(20);
  });

  it('filters by exact genre and by year, and combines filters', async () => {
    const all = await everyFilm();
    const drama = await everyFilm({ genre: 'drama' });
    expect(drama.length).toBeGreaterThan(0);
    expect(drama).toEqual(all.filter((f) => f.genres.includes('drama')));
    expect(await everyFilm({ genre: 'dram' })).toEqual([]);

    const year = all[0]?.year ?? 0;
    const ofYear = await everyFilm({ year: String(year) });
    expect(ofYear.length).toBeGreaterThan(0);
    expect(ofYear).toEqual(all.filter((f) => f.year === year));

    const both = await everyFilm({ genre: 'drama', year: String(year), q: 'e' });
    expect(both).toEqual(
      all.filter(
        (f) => f.genres.includes('drama') && f.year === year && f.title.toLowerCase().includes('e'),
      ),
    );
  });

  it('refuses a bad cursor with 400 invalid_cursor', async () => {
    const forged = Buffer.from(JSON.stringify({ title: 'A', id: 'not-a-uuid' })).toString(
      'base64url',
    );
    for (const cursor of ['garbage', forged, Buffer.from('[1]').toString('base64url')]) {
      const response = await t.app.inject({ method: 'GET', url: '/api/films', query: { cursor } });
      expect(response.statusCode).toBe(400);
      expect(problemOf(response).code).toBe('invalid_cursor');
    }
  });

  it('refuses a bad limit or year with 400 validation_failed', async () => {
    const queries: Record<string, string>[] = [
      { limit: '101' },
      { limit: '0' },
      { year: '1887' },
      { year: 'abc' },
    ];
    for (const query of queries) {
      const response = await t.app.inject({ method: 'GET', url: '/api/films', query });
      expect(response.statusCode).toBe(400);
      expect(problemOf(response).code).toBe('validation_failed');
    }
  });
});

describe('GET /api/films/:filmId', () => {
  it('answers the film', async () => {
    const [film] = (await films({ q: 'Space Odyssey' })).items;
    expect(film?.title).toBe('2001: A Space Odyssey');
    const response = await t.app.inject({ method: 'GET', url: `/api/films/${film?.id}` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(film);
  });

  it('answers 404 film_not_found for an unknown id', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/films/0190a5c4-0000-7000-8000-000000000000',
    });
    expect(response.statusCode).toBe(404);
    expect(problemOf(response).code).toBe('film_not_found');
  });

  it('answers 400 validation_failed for an id that is not a uuid', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/films/not-a-uuid' });
    expect(response.statusCode).toBe(400);
    expect(problemOf(response).code).toBe('validation_failed');
  });
});
