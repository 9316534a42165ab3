import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api, query } from '../../api/client';
import type { Film, Page, Place, Screening } from '../../api/types';
import { session } from '../../session/session';
import { Loaded } from '../../ui/status';
import { useAsync } from '../../ui/use-async';
import { ScreeningList } from './screening-list';

const TYPING_PAUSE_MS = 250;

/** Today as the value of a date input (local time). */
function today(): string {
  const now = new Date();
  return new Date(now.getTime() - now.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
}

/**
 * Screenings, searched by film, place or host. The filters live in the address (`?filmId=`,
 * `?placeId=`, `?hostId=`, `?mine=true`, `?from=`), so a search can be linked and reloaded.
 */
export function ScreeningsPage() {
  const { query: params, path, route } = useLocation();
  const from = params.from || today();
  const mine = params.mine === 'true';
  const setParam = (key: string, value: string | undefined) =>
    route(`${path}${query({ ...params, [key]: value })}`, true);

  const [screenings] = useAsync(
    (signal) =>
      api<Page<Screening>>(
        `/api/screenings${query({
          filmId: params.filmId,
          placeId: params.placeId,
          hostId: params.hostId,
          mine: mine || undefined,
          from: new Date(`${from}T00:00:00`).toISOString(),
          limit: 50,
        })}`,
        { signal },
      ),
    [params.filmId, params.placeId, params.hostId, mine, from],
  );

  return (
    <section>
      <h1>Screenings</h1>
      <search>
        <form class="filters" onSubmit={(event) => event.preventDefault()}>
          <FilmFilter filmId={params.filmId} onChange={(id) => setParam('filmId', id)} />
          <label>
            From
            <input
              type="date"
              value={from}
              onChange={(e) => setParam('from', (e.currentTarget as HTMLInputElement).value)}
            />
          </label>
          {session.signedIn.value && (
            <label class="inline">
              <input
                type="checkbox"
                checked={mine}
                onChange={(e) =>
                  setParam('mine', (e.currentTarget as HTMLInputElement).checked ? 'true' : '')
                }
              />
              Only the screenings I host
            </label>
          )}
        </form>
      </search>
      {params.placeId && (
        <PlaceFilter placeId={params.placeId} onClear={() => setParam('placeId', undefined)} />
      )}
      {params.hostId && (
        <p>
          One host's screenings.{' '}
          <button type="button" class="link-button" onClick={() => setParam('hostId', undefined)}>
            Show every host
          </button>
        </p>
      )}
      <Loaded state={screenings}>
        {(page) => <ScreeningList screenings={page.items} empty="No screenings match." />}
      </Loaded>
    </section>
  );
}

/** Choose a film by typing part of its title; "Any film" clears the filter. */
function FilmFilter({
  filmId,
  onChange,
}: {
  filmId: string | undefined;
  onChange: (id: string | undefined) => void;
}) {
  const [text, setText] = useState('');
  const [settled, setSettled] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setSettled(text), TYPING_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [text]);
  const [matches] = useAsync(
    (signal) => api<Page<Film>>(`/api/films${query({ q: settled, limit: 20 })}`, { signal }),
    [settled],
  );
  const [chosen] = useAsync(
    (signal) =>
      filmId ? api<Film>(`/api/films/${filmId}`, { signal }) : Promise.resolve(undefined),
    [filmId],
  );
  const options = matches.status === 'ready' ? [...matches.value.items] : [];
  if (chosen.status === 'ready' && chosen.value && !options.some((f) => f.id === filmId)) {
    options.unshift(chosen.value);
  }
  return (
    <>
      <label>
        Find a film
        <input
          type="search"
          value={text}
          onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)}
        />
      </label>
      <label>
        Film
        <select
          value={filmId ?? ''}
          onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value || undefined)}
        >
          <option value="">Any film</option>
          {options.map((film) => (
            <option key={film.id} value={film.id}>
              {film.title}
              {film.year ? ` (${film.year})` : ''}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}

function PlaceFilter({ placeId, onClear }: { placeId: string; onClear: () => void }) {
  const [place] = useAsync((signal) => api<Place>(`/api/places/${placeId}`, { signal }), [placeId]);
  return (
    <p>
      At {place.status === 'ready' ? place.value.name : 'one place'}.{' '}
      <button type="button" class="link-button" onClick={onClear}>
        Show every place
      </button>
    </p>
  );
}
