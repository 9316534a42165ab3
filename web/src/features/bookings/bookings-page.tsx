import { useState } from 'preact/hooks';
import { api, messageOf } from '../../api/client';
import type { Booking, Page, Screening } from '../../api/types';
import { formatDateTime, formatMoney, seatLabel } from '../../ui/format';
import { ErrorMessage, Loaded } from '../../ui/status';
import { useAsync } from '../../ui/use-async';

interface Row {
  booking: Booking;
  screening: Screening | undefined;
}

/** The caller's bookings with their screenings (fetched once per screening). */
async function loadRows(signal: AbortSignal): Promise<Row[]> {
  const page = await api<Page<Booking>>('/api/bookings/my?limit=50', { signal });
  const ids = [...new Set(page.items.map((b) => b.screeningId))];
  const screenings = new Map(
    await Promise.all(
      ids.map(async (id) => {
        const screening = await api<Screening>(`/api/screenings/${id}`, { signal }).catch(
          () => undefined,
        );
        return [id, screening] as const;
      }),
    ),
  );
  return page.items.map((booking) => ({
    booking,
    screening: screenings.get(booking.screeningId),
  }));
}

const CANCELLABLE = new Set(['PENDING', 'CONFIRMED']);

/** My bookings, newest first; pending ones can be paid, live ones cancelled. */
export function BookingsPage() {
  const [rows, , setRows] = useAsync(loadRows, []);
  const [error, setError] = useState<string>();
  const cancel = async (booking: Booking) => {
    setError(undefined);
    try {
      // The answer is the cancelled booking: show it as it now is.
      const cancelled = await api<Booking>(`/api/bookings/${booking.id}/cancel`, {
        method: 'POST',
      });
      if (rows.status === 'ready') {
        setRows(
          rows.value.map((r) => (r.booking.id === cancelled.id ? { ...r, booking: cancelled } : r)),
        );
      }
    } catch (failure) {
      setError(messageOf(failure));
    }
  };
  return (
    <section>
      <h1>My bookings</h1>
      {error && <ErrorMessage message={error} />}
      <Loaded state={rows}>
        {(list) =>
          list.length === 0 ? (
            <p class="muted">
              No bookings yet. <a href="/screenings">Find a screening</a>.
            </p>
          ) : (
            <ul class="cards">
              {list.map(({ booking, screening }) => (
                <li
                  key={booking.id}
                  class="card"
                  data-testid="booking"
                  data-status={booking.status}
                >
                  <div>
                    <strong>
                      {screening ? (
                        <a href={`/screenings/${screening.id}`}>
                          {screening.film.title} at {screening.place.name}
                        </a>
                      ) : (
                        'Screening'
                      )}
                    </strong>
                    <span class={`status ${booking.status.toLowerCase()}`}>{booking.status}</span>
                  </div>
                  <span class="muted">
                    {screening && `${formatDateTime(screening.startsAt)} · `}
                    {booking.seats.length > 0
                      ? booking.seats.map(seatLabel).join('; ')
                      : `${booking.quantity} ticket${booking.quantity === 1 ? '' : 's'}`}{' '}
                    · {formatMoney(booking.amount, booking.currency)}
                  </span>
                  <div class="row">
                    {booking.status === 'PENDING' && (
                      <a href={`/checkout/${booking.id}`}>Pay now</a>
                    )}
                    {CANCELLABLE.has(booking.status) && (
                      <button type="button" class="secondary" onClick={() => void cancel(booking)}>
                        Cancel booking
                      </button>
                    )}
                  </div>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}
