import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemOf, startTestApp, type TestApp } from '../support/app.js';

interface Film {
  id: string;
  title: string;
  year: number;
  genres: string[];
  durationMinutes: number;
  description: string;
  originalTitle: string;
  rating: number | null;
  cast: string[];
  directors: string[];
  wantCount: number;
  likeCount: number;
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
      [
        'cast',
        'description',
        'directors',
        'durationMinutes',
        'genres',
        'id',
        'likeCount',
        'media',
        'originalTitle',
        'posterUrl',
        'rating',
        'title',
        'wantCount',
        'year',
      ].sort(),
    );
    expect((await everyFilm()).length).toBeGreaterThanOrEqual(120);
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

  it('searches titles, original titles and people, ignoring case and accents', async () => {
    const titles = async (q: string) => (await films({ q })).items.map((f) => f.title);
    expect((await titles('AMELIE'))[0]).toBe('Amélie');
    expect((await titles('poulain'))[0]).toBe('Amélie');
    expect(await titles('Kieslowski')).toEqual([]);
    expect(await titles('nolan')).toEqual(
      expect.arrayContaining(['Inception', 'Memento', 'Oppenheimer', 'The Dark Knight']),
    );
  });

  it('matches prefixes while typing and ranks title words first', async () => {
    expect((await films({ q: 'incep' })).items[0]?.title).toBe('Inception');
    expect((await films({ q: 'dark kni' })).items[0]?.title).toBe('The Dark Knight');
    // "Samurai" is in one title; films that mention it elsewhere rank after it.
    expect((await films({ q: 'samurai' })).items[0]?.title).toBe('Seven Samurai');
  });

  it('still finds a film when a word is misspelt', async () => {
    expect((await films({ q: 'godfahter' })).items[0]?.title).toBe('The Godfather');
    expect((await films({ q: 'spirted away' })).items[0]?.title).toBe('Spirited Away');
  });

  it('filters by person (cast or directors), rating and year range', async () => {
    const all = await everyFilm();
    const miyazaki = await everyFilm({ person: 'miyazaki' });
    expect(miyazaki.map((f) => f.title).sort()).toEqual(['My Neighbor Totoro', 'Spirited Away']);
    expect(await everyFilm({ person: 'Hayao Miyazaki' })).toEqual(miyazaki);
    const hanks = await everyFilm({ person: 'tom hanks' });
    expect(hanks.map((f) => f.title)).toEqual(['Toy Story']);
    const rated = await everyFilm({ minRating: '8.6' });
    expect(rated).toEqual(all.filter((f) => (f.rating ?? -1) >= 8.6));
    const nineties = await everyFilm({ yearFrom: '1990', yearTo: '1999' });
    expect(nineties).toEqual(all.filter((f) => f.year >= 1990 && f.year <= 1999));
  });

  it('sorts by rating, year and popularity, paging each without gaps', async () => {
    const all = await everyFilm();
    const rating = (f: Film) => f.rating ?? -1;
    const byRating = [...all].sort((a, b) => rating(b) - rating(a) || (a.id < b.id ? 1 : -1));
    const walked: Film[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await films({ sort: 'rating', limit: '9', ...(cursor ? { cursor } : {}) });
      walked.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(walked.map((f) => f.id)).toEqual(byRating.map((f) => f.id));
    const byYear = await everyFilm({ sort: 'year' });
    expect(byYear.map((f) => f.year)).toEqual(all.map((f) => f.year).sort((a, b) => b - a));
    expect(await everyFilm({ sort: 'popular' })).toHaveLength(all.length);
  });

  it('pages a ranked search without duplicates', async () => {
    const first = await everyFilm({ q: 'the' });
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await films({ q: 'the', limit: '4', ...(cursor ? { cursor } : {}) });
      ids.push(...page.items.map((f) => f.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(first.length).toBeGreaterThan(8);
    expect(ids).toEqual(first.map((f) => f.id));
  });

  it('refuses a cursor issued for another sort or search', async () => {
    const { nextCursor } = await films({ sort: 'rating', limit: '2' });
    const others: Record<string, string>[] = [{ sort: 'year' }, { sort: 'rating', genre: 'drama' }];
    for (const query of others) {
      const response = await t.app.inject({
        method: 'GET',
        url: '/api/films',
        query: { ...query, cursor: nextCursor ?? '' },
      });
      expect(response.statusCode).toBe(400);
      expect(problemOf(response).code).toBe('invalid_cursor');
    }
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

    const both = await everyFilm({ genre: 'drama', yearFrom: String(year), sort: 'title' });
    expect(both).toEqual(all.filter((f) => f.genres.includes('drama') && f.year >= year));
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
      { year: '1869' },
      { minRating: '11' },
      { sort: 'random' },
      { year: 'abc' },
    ];
    for (const query of queries) {
      const response = await t.app.inject({ method: 'GET', url: '/api/films', query });
      expect(response.statusCode).toBe(400);
      expect(problemOf(response).code).toBe('validation_failed');
    }
  });
});

describe('GET /api/films/genres', () => {
  it('counts the films of every genre, most films first', async () => {
    const all = await everyFilm();
    const response = await t.app.inject({ method: 'GET', url: '/api/films/genres' });
    expect(response.statusCode).toBe(200);
    const { items } = response.json() as { items: { genre: string; count: number }[] };
    const counts = new Map<string, number>();
    for (const genre of all.flatMap((f) => f.genres))
      counts.set(genre, (counts.get(genre) ?? 0) + 1);
    expect(new Map(items.map((i) => [i.genre, i.count]))).toEqual(counts);
    expect(items.map((i) => i.count)).toEqual([...counts.values()].sort((a, b) => b - a));
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
