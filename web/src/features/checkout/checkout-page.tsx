import { useEffect, useState } from 'preact/hooks';
import { api, messageOf } from '../../api/client';
import type { Booking } from '../../api/types';
import { formatMoney, seatLabel } from '../../ui/format';
import { ErrorMessage } from '../../ui/status';
import { onNotification } from '../notifications/live';

const POLL_MS = 500;

/**
 * The booking, polled while it waits on billing: for the payment to open, or (once paid) for
 * billing's webhook to confirm it. A notification about it refreshes at once.
 */
function useBooking(id: string, paying: boolean) {
  const [booking, setBooking] = useState<Booking>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const fetchIt = async () => {
      clearTimeout(timer);
      try {
        const next = await api<Booking>(`/api/bookings/${id}`);
        if (stopped) return;
        setBooking(next);
        const waiting = next.status === 'PENDING' && (paying || !next.payment?.checkoutUrl);
        if (waiting) timer = setTimeout(() => void fetchIt(), POLL_MS);
      } catch (failure) {
        if (!stopped) setError(messageOf(failure));
      }
    };
    void fetchIt();
    const unsubscribe = onNotification((n) => {
      if (n.data.bookingId === id) void fetchIt();
    });
    return () => {
      stopped = true;
      clearTimeout(timer);
      unsubscribe();
    };
  }, [id, paying]);
  return { booking, error };
}

function Countdown({ until }: { until: string }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.max(0, Math.round((Date.parse(until) - now) / 1000));
  return (
    <span role="timer">
      {Math.floor(seconds / 60)} min {String(seconds % 60).padStart(2, '0')} s
    </span>
  );
}

/**
 * The simulated checkout (BILLING=simulated): the page billing would host. Paying posts the
 * outcome to `payment.checkoutUrl`; the booking is confirmed by billing's webhook, so the page
 * waits for the booking itself to change.
 */
export function CheckoutPage({ id }: { id: string }) {
  const [paying, setPaying] = useState(false);
  const [error, setError] = useState<string>();
  const { booking, error: loadError } = useBooking(id, paying);

  const pay = async (outcome: 'succeeded' | 'failed') => {
    const url = booking?.payment?.checkoutUrl;
    if (!url) return;
    setPaying(true);
    setError(undefined);
    try {
      await api(url, { method: 'POST', body: { outcome } });
    } catch (failure) {
      setError(messageOf(failure));
      setPaying(false);
    }
  };

  if (loadError || !booking) {
    return (
      <section class="narrow stack">
        <h1>Checkout</h1>
        {loadError ? <ErrorMessage message={loadError} /> : <p role="status">Loading…</p>}
      </section>
    );
  }
  const total = formatMoney(booking.amount, booking.currency);
  return (
    <section class="narrow stack">
      <h1>Checkout</h1>
      <p>
        {booking.seats.length > 0
          ? booking.seats.map(seatLabel).join('; ')
          : `${booking.quantity} ticket${booking.quantity === 1 ? '' : 's'}`}{' '}
        · <strong>{total}</strong>
      </p>
      <p role="status" aria-live="polite" data-testid="booking-status">
        {booking.status === 'PENDING' && !paying && 'Your seats are held until you pay.'}
        {booking.status === 'PENDING' && paying && 'Payment sent, waiting for confirmation…'}
        {booking.status === 'CONFIRMED' && 'Paid: your booking is confirmed.'}
        {booking.status === 'CANCELLED' && 'The payment failed: the booking is cancelled.'}
        {booking.status === 'EXPIRED' && 'The hold expired before payment.'}
      </p>
      {booking.status === 'PENDING' && !paying && booking.expiresAt && (
        // A timer is not announced every second (role="timer" is not live by default).
        <p>
          Time left: <Countdown until={booking.expiresAt} />
        </p>
      )}
      {error && <ErrorMessage message={error} />}
      {booking.status === 'PENDING' && !paying && (
        <div class="simulated-checkout">
          <p class="muted">Simulated payment service (no real money moves).</p>
          {booking.payment?.checkoutUrl ? (
            <div class="row">
              <button type="button" onClick={() => void pay('succeeded')}>
                Pay {total}
              </button>
              <button type="button" class="secondary" onClick={() => void pay('failed')}>
                Decline payment
              </button>
            </div>
          ) : (
            <p role="status">Opening the payment…</p>
          )}
        </div>
      )}
      {booking.status !== 'PENDING' && (
        <p>
          <a href="/bookings">Go to my bookings</a>
        </p>
      )}
    </section>
  );
}
