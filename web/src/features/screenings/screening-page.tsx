import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api, messageOf } from '../../api/client';
import type { Booking, Screening, Seat } from '../../api/types';
import { session } from '../../session/session';
import { formatDateTime, formatMoney, seatLabel } from '../../ui/format';
import { ErrorMessage, Loaded } from '../../ui/status';
import { useAsync } from '../../ui/use-async';
import { HostPanel } from './host-panel';
import { SeatMap } from './seat-map';
import { useLiveSeats } from './use-live-seats';

const MAX_SEATS = 10;

/** A screening: its live seat map (or a ticket count) and the hold that leads to payment. */
export function ScreeningPage({ id }: { id: string }) {
  const { route, url } = useLocation();
  const [screening, , setScreening] = useAsync(
    (signal) => api<Screening>(`/api/screenings/${id}`, { signal }),
    [id],
  );
  const seats = useLiveSeats(id);
  const [selected, setSelected] = useState<Seat[]>([]);
  const [quantity, setQuantity] = useState(1);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  // A seat someone else took meanwhile leaves the selection.
  const stillFree = selected.filter((s) =>
    seats.map?.seats.some(
      (m) => m.row === s.row && m.number === s.number && m.status === 'AVAILABLE',
    ),
  );
  const toggle = (seat: Seat) => {
    const on = stillFree.some((s) => s.row === seat.row && s.number === seat.number);
    if (on) setSelected(stillFree.filter((s) => s.row !== seat.row || s.number !== seat.number));
    else if (stillFree.length < MAX_SEATS) setSelected([...stillFree, seat]);
  };

  const hold = async (s: Screening) => {
    if (!session.signedIn.value) {
      route(`/login?next=${encodeURIComponent(url)}`);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const booking = await api<Booking>('/api/bookings', {
        method: 'POST',
        // The 201 waits (a little) for billing to open the payment, so checkout can start.
        headers: { prefer: 'wait=5' },
        body:
          s.seating === 'assigned'
            ? { screeningId: s.id, seats: stillFree }
            : { screeningId: s.id, quantity },
      });
      route(booking.status === 'CONFIRMED' ? '/bookings' : `/checkout/${booking.id}`);
    } catch (failure) {
      setError(messageOf(failure));
      seats.refresh();
    } finally {
      setBusy(false);
    }
  };

  return (
    <Loaded state={screening}>
      {(s) => (
        <section class="stack">
          <h1>
            {s.film.title} at {s.place.name}
          </h1>
          <p class="muted">
            {formatDateTime(s.startsAt)} · {formatMoney(s.price.amount, s.price.currency)} a seat
            {s.status === 'cancelled' && ' · this screening is cancelled'}
          </p>
          <ul class="links">
            <li>
              <a href={`/films/${s.filmId}`}>About the film</a>
            </li>
            <li>
              <a href={`/screenings?placeId=${s.placeId}`}>More at {s.place.name}</a>
            </li>
            <li>
              <a href={`/screenings?hostId=${s.hostId}`}>More by this host</a>
            </li>
          </ul>
          {seats.error && <ErrorMessage message={seats.error} />}
          {seats.map && (
            <p role="status" aria-live="polite" data-testid="available">
              {seats.map.available} of {seats.map.capacity} seats available
            </p>
          )}
          {s.status === 'scheduled' && s.seating === 'assigned' && seats.map && (
            <>
              <SeatMap map={seats.map} selected={stillFree} onToggle={toggle} />
              <p aria-live="polite">
                {stillFree.length === 0
                  ? 'Choose your seats on the map.'
                  : `Chosen: ${stillFree.map(seatLabel).join('; ')}`}
              </p>
            </>
          )}
          {s.status === 'scheduled' && s.seating === 'general' && (
            <label>
              Tickets
              <input
                type="number"
                min={1}
                max={MAX_SEATS}
                value={quantity}
                class="short"
                onInput={(event) =>
                  setQuantity(Number((event.currentTarget as HTMLInputElement).value))
                }
              />
            </label>
          )}
          {error && <ErrorMessage message={error} />}
          {session.user.value?.id === s.hostId && (
            <HostPanel screening={s} onCancelled={setScreening} />
          )}
          {s.status === 'scheduled' && (
            <div>
              <button
                type="button"
                disabled={busy || (s.seating === 'assigned' && stillFree.length === 0)}
                onClick={() => void hold(s)}
              >
                {s.seating === 'assigned'
                  ? stillFree.length === 0
                    ? 'Hold seats'
                    : `Hold ${stillFree.length} seat${stillFree.length === 1 ? '' : 's'}`
                  : `Hold ${quantity} ticket${quantity === 1 ? '' : 's'}`}
              </button>
            </div>
          )}
        </section>
      )}
    </Loaded>
  );
}
