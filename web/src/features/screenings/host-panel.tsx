import { useState } from 'preact/hooks';
import { api, messageOf } from '../../api/client';
import type { Booking, Page, Screening } from '../../api/types';
import { formatMoney, seatLabel } from '../../ui/format';
import { ErrorMessage, Loaded } from '../../ui/status';
import { useAsync } from '../../ui/use-async';

/** For the screening's host: who booked, and cancelling the screening (refunds everyone). */
export function HostPanel({
  screening,
  onCancelled,
}: {
  screening: Screening;
  onCancelled: (screening: Screening) => void;
}) {
  const [bookings, reload] = useAsync(
    (signal) =>
      api<Page<Booking>>(`/api/screenings/${screening.id}/bookings?limit=100`, { signal }),
    [screening.id],
  );
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string>();

  const cancel = async () => {
    setError(undefined);
    try {
      const cancelled = await api<Screening>(`/api/screenings/${screening.id}/cancel`, {
        method: 'POST',
        body: {},
      });
      setConfirming(false);
      onCancelled(cancelled);
      reload();
    } catch (failure) {
      setError(messageOf(failure));
    }
  };

  return (
    <section class="card stack" aria-labelledby="host-heading">
      <h2 id="host-heading">You host this screening</h2>
      <Loaded state={bookings}>
        {(page) =>
          page.items.length === 0 ? (
            <p class="muted">No bookings yet.</p>
          ) : (
            <table>
              <caption class="visually-hidden">Bookings of this screening</caption>
              <thead>
                <tr>
                  <th scope="col">Status</th>
                  <th scope="col">Seats</th>
                  <th scope="col">Amount</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((b) => (
                  <tr key={b.id}>
                    <td>{b.status}</td>
                    <td>{b.seats.length ? b.seats.map(seatLabel).join('; ') : b.quantity}</td>
                    <td>{formatMoney(b.amount, b.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
      {error && <ErrorMessage message={error} />}
      {screening.status === 'scheduled' &&
        (confirming ? (
          <div class="row">
            <span>Cancel it and refund every booking?</span>
            <button type="button" onClick={() => void cancel()}>
              Yes, cancel the screening
            </button>
            <button type="button" class="secondary" onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </div>
        ) : (
          <button type="button" class="secondary" onClick={() => setConfirming(true)}>
            Cancel this screening
          </button>
        ))}
    </section>
  );
}
