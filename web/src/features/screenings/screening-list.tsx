import type { Screening } from '../../api/types';
import { formatDateTime, formatMoney } from '../../ui/format';

/** Screenings as a list of links, with what a viewer decides on: when, where, seats, price. */
export function ScreeningList({ screenings, empty }: { screenings: Screening[]; empty: string }) {
  if (screenings.length === 0) return <p class="muted">{empty}</p>;
  return (
    <ul class="cards">
      {screenings.map((s) => (
        <li key={s.id} class="card">
          <a href={`/screenings/${s.id}`}>
            <strong>{s.film.title}</strong> at {s.place.name}
          </a>
          <span class="muted">
            {formatDateTime(s.startsAt)} · {s.seatsAvailable} of {s.capacity} seats free ·{' '}
            {formatMoney(s.price.amount, s.price.currency)}
            {s.status === 'cancelled' && ' · cancelled'}
          </span>
        </li>
      ))}
    </ul>
  );
}
