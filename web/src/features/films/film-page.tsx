import { api, query } from '../../api/client';
import type { Film, Page, Screening } from '../../api/types';
import { Loaded } from '../../ui/status';
import { useAsync } from '../../ui/use-async';
import { FriendsWhoWant } from '../friends/friends-who-want';
import { ScreeningList } from '../screenings/screening-list';
import { FilmActions } from '../social/film-actions';
import { Poster } from './poster';

/** A film's detail and its upcoming screenings. */
export function FilmPage({ id }: { id: string }) {
  const [film] = useAsync((signal) => api<Film>(`/api/films/${id}`, { signal }), [id]);
  const [screenings] = useAsync(
    (signal) =>
      api<Page<Screening>>(
        `/api/screenings${query({ filmId: id, from: new Date().toISOString(), status: 'scheduled' })}`,
        { signal },
      ),
    [id],
  );
  return (
    <Loaded state={film}>
      {(f) => (
        <article class="film-detail">
          <Poster film={f} size="large" />
          <div class="stack">
            <h1>
              {f.title} {f.year && <span class="muted">({f.year})</span>}
            </h1>
            <p class="muted">
              {[f.genres.join(', '), f.durationMinutes && `${f.durationMinutes} min`]
                .filter(Boolean)
                .join(' · ')}
              {f.rating != null && ` · rated ${f.rating}/10`}
            </p>
            <FilmActions film={f} />
            {f.description && <p>{f.description}</p>}
            {f.directors?.length ? <p>Directed by {f.directors.join(', ')}</p> : null}
            {f.cast?.length ? <p>With {f.cast.join(', ')}</p> : null}
            <FriendsWhoWant filmId={f.id} />
            <h2>Screenings</h2>
            <a href={`/screenings?filmId=${f.id}`}>Search its screenings</a>
            <Loaded state={screenings}>
              {(page) => <ScreeningList screenings={page.items} empty="No screenings planned." />}
            </Loaded>
          </div>
        </article>
      )}
    </Loaded>
  );
}
