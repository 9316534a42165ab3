import { useEffect, useState } from 'preact/hooks';
import { api, messageOf, query } from '../../api/client';
import type { Film, Page } from '../../api/types';
import { ErrorMessage } from '../../ui/status';
import { useAsync } from '../../ui/use-async';
import { useDebounced } from '../../ui/use-debounced';
import { FilmActions } from '../social/film-actions';
import { Poster } from './poster';

interface Filters {
  q: string;
  genre: string;
  year: string;
  minRating: string;
  person: string;
}

const EMPTY: Filters = { q: '', genre: '', year: '', minRating: '', person: '' };
const TYPING_PAUSE_MS = 250;

/** Films: search as you type, filters, and a list that loads more on request. */
export function FilmsPage() {
  const [filters, setFilters] = useState(EMPTY);
  const settled = useDebounced(filters, TYPING_PAUSE_MS);
  const [films, setFilms] = useState<Film[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [genres] = useAsync(
    () => api<{ items: { genre: string; count: number }[] }>('/api/films/genres'),
    [],
  );

  const load = async (after: string | null, signal?: AbortSignal) => {
    setLoading(true);
    try {
      const page = await api<Page<Film>>(
        `/api/films${query({ ...settled, limit: 24, cursor: after })}`,
        signal ? { signal } : {},
      );
      setFilms((shown) => (after ? [...shown, ...page.items] : page.items));
      setCursor(page.nextCursor);
      setError(undefined);
    } catch (failure) {
      if (!signal?.aborted) setError(messageOf(failure));
    } finally {
      if (!signal?.aborted) setLoading(false);
    }
  };
  useEffect(() => {
    const controller = new AbortController();
    void load(null, controller.signal);
    return () => controller.abort();
  }, [settled]);

  const set = (key: keyof Filters) => (event: Event) =>
    setFilters({ ...filters, [key]: (event.currentTarget as HTMLInputElement).value });

  return (
    <section>
      <h1>Films</h1>
      <search>
        <form class="filters" onSubmit={(event) => event.preventDefault()}>
          <label class="grow">
            Search
            <input
              type="search"
              value={filters.q}
              onInput={set('q')}
              placeholder="Title, cast, director…"
            />
          </label>
          <label>
            Genre
            <select value={filters.genre} onChange={set('genre')}>
              <option value="">Any</option>
              {genres.status === 'ready' &&
                genres.value.items.map((g) => (
                  <option key={g.genre} value={g.genre}>
                    {g.genre} ({g.count})
                  </option>
                ))}
            </select>
          </label>
          <label>
            Year
            <input
              type="number"
              inputMode="numeric"
              min={1888}
              max={2100}
              value={filters.year}
              onInput={set('year')}
              class="short"
            />
          </label>
          <label>
            Rating at least
            <select value={filters.minRating} onChange={set('minRating')}>
              <option value="">Any</option>
              {[5, 6, 7, 8, 9].map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </label>
          <label>
            Person
            <input value={filters.person} onInput={set('person')} placeholder="Cast or director" />
          </label>
        </form>
      </search>
      {error && <ErrorMessage message={error} />}
      <p class="muted" role="status" aria-live="polite">
        {loading ? 'Loading…' : `${films.length}${cursor ? '+' : ''} films`}
      </p>
      <ul class="film-grid">
        {films.map((film) => (
          <li key={film.id}>
            <a href={`/films/${film.id}`} class="film-card">
              <Poster film={film} size="small" />
              <span class="title">{film.title}</span>
              <span class="muted">
                {film.year}
                {film.rating != null && ` · rated ${film.rating}`}
              </span>
            </a>
            <FilmActions film={film} named />
          </li>
        ))}
      </ul>
      {cursor && (
        <button type="button" disabled={loading} onClick={() => void load(cursor)}>
          Load more films
        </button>
      )}
    </section>
  );
}
