import { useState } from 'preact/hooks';
import { api, messageOf, query } from '../../api/client';
import type { Film, Page, Place, Screening } from '../../api/types';
import { ErrorMessage, Loaded } from '../../ui/status';
import { useAsync } from '../../ui/use-async';
import { ScreeningList } from '../screenings/screening-list';

/** For hosts: their places, a form for a new one, and scheduling a screening in one. */
export function PlacesPage() {
  const [places, reloadPlaces] = useAsync(
    (signal) => api<Page<Place>>('/api/places/my', { signal }),
    [],
  );
  const [screenings, reloadScreenings] = useAsync(
    (signal) =>
      api<Page<Screening>>(`/api/screenings${query({ mine: true, limit: 100 })}`, { signal }),
    [],
  );
  const [error, setError] = useState<string>();

  const createPlace = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    setError(undefined);
    try {
      await api('/api/places', {
        method: 'POST',
        body: {
          name: String(data.get('name')),
          address: String(data.get('address')) || undefined,
        },
      });
      form.reset();
      reloadPlaces();
    } catch (failure) {
      setError(messageOf(failure));
    }
  };

  return (
    <section class="stack">
      <h1>My places</h1>
      <Loaded state={places}>
        {(page) =>
          page.items.length === 0 ? (
            <p class="muted">You host no place yet.</p>
          ) : (
            <ul class="cards">
              {page.items.map((place) => (
                <li key={place.id} class="card">
                  <strong>{place.name}</strong>
                  {place.address && <span class="muted">{place.address}</span>}
                  <a href={`/screenings?placeId=${place.id}`}>Screenings at {place.name}</a>
                  <ScheduleForm place={place} onScheduled={reloadScreenings} />
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      <h2>Add a place</h2>
      <form onSubmit={createPlace} class="stack narrow">
        <label>
          Name
          <input name="name" required maxLength={200} />
        </label>
        <label>
          Address
          <input name="address" maxLength={500} autoComplete="street-address" />
        </label>
        {error && <ErrorMessage message={error} />}
        <button type="submit">Add place</button>
      </form>
      <h2>Screenings I host</h2>
      <Loaded state={screenings}>
        {(page) => <ScreeningList screenings={page.items} empty="None scheduled." />}
      </Loaded>
    </section>
  );
}

/** Schedules a screening of a film (found by title) at `place`, with a seat plan and a price. */
function ScheduleForm({ place, onScheduled }: { place: Place; onScheduled: () => void }) {
  const [open, setOpen] = useState(false);
  const [filmQuery, setFilmQuery] = useState('');
  const [films] = useAsync(
    (signal) => api<Page<Film>>(`/api/films${query({ q: filmQuery, limit: 20 })}`, { signal }),
    [filmQuery],
  );
  const [error, setError] = useState<string>();

  const submit = async (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    setError(undefined);
    try {
      await api('/api/screenings', {
        method: 'POST',
        body: {
          placeId: place.id,
          filmId: String(data.get('filmId')),
          startsAt: new Date(String(data.get('startsAt'))).toISOString(),
          seating: { rows: Number(data.get('rows')), seatsPerRow: Number(data.get('seatsPerRow')) },
          price: { amount: Math.round(Number(data.get('price')) * 100), currency: 'EUR' },
        },
      });
      setOpen(false);
      onScheduled();
    } catch (failure) {
      setError(messageOf(failure));
    }
  };

  if (!open) {
    return (
      <button type="button" class="secondary" onClick={() => setOpen(true)}>
        Schedule a screening at {place.name}
      </button>
    );
  }
  return (
    <form onSubmit={submit} class="stack">
      <label>
        Find the film
        <input
          type="search"
          value={filmQuery}
          onInput={(e) => setFilmQuery((e.currentTarget as HTMLInputElement).value)}
        />
      </label>
      <label>
        Film
        <select name="filmId" required>
          {films.status === 'ready' &&
            films.value.items.map((film) => (
              <option key={film.id} value={film.id}>
                {film.title} ({film.year})
              </option>
            ))}
        </select>
      </label>
      <label>
        Starts at
        <input name="startsAt" type="datetime-local" required />
      </label>
      <div class="row">
        <label>
          Rows
          <input name="rows" type="number" min={1} max={50} value={5} class="short" required />
        </label>
        <label>
          Seats per row
          <input
            name="seatsPerRow"
            type="number"
            min={1}
            max={50}
            value={8}
            class="short"
            required
          />
        </label>
        <label>
          Price (EUR)
          <input name="price" type="number" min={0} step="0.01" value="9.50" class="short" />
        </label>
      </div>
      {error && <ErrorMessage message={error} />}
      <div class="row">
        <button type="submit">Schedule</button>
        <button type="button" class="secondary" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
