import { useEffect } from 'preact/hooks';
import { api } from '../../api/client';
import type { AppNotification, Page } from '../../api/types';
import { formatDateTime } from '../../ui/format';
import { Loaded } from '../../ui/status';
import { useAsync } from '../../ui/use-async';
import { markAllRead, recent } from './live';

const MAX_PAGES = 10;

/** The whole inbox (oldest first from the API), at most MAX_PAGES pages of 100. */
async function loadInbox(signal: AbortSignal): Promise<AppNotification[]> {
  const all: AppNotification[] = [];
  let after: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer: Page<AppNotification> = await api<Page<AppNotification>>(
      `/api/notifications?limit=100${after ? `&after=${after}` : ''}`,
      { signal },
    );
    all.push(...answer.items);
    after = answer.nextCursor;
    if (!after) break;
  }
  return all;
}

const TITLES: Record<string, string> = {
  'booking.confirmed': 'Booking confirmed',
  'booking.cancelled': 'Booking cancelled',
  'booking.expired': 'Hold expired',
  'booking.refunded': 'Refunded',
  'booking.created': 'New booking at your screening',
  'screening.cancelled': 'Screening cancelled',
  'user.followed': 'New follower',
  'room.invited': 'Invited to watch together',
};

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

function describe(n: AppNotification): string {
  const about = text(n.data.filmTitle) ?? text(n.data.displayName);
  const by = text(n.data.hostName);
  return [TITLES[n.type] ?? n.type, about].filter(Boolean).join(': ') + (by ? ` by ${by}` : '');
}

/** Where a notification leads, if anywhere. */
function Action({ n }: { n: AppNotification }) {
  if (typeof n.data.bookingId === 'string') return <a href="/bookings">See my bookings</a>;
  if (n.type === 'room.invited' && typeof n.data.roomId === 'string') {
    return <a href={`/rooms/${n.data.roomId}`}>Join the room</a>;
  }
  if (n.type === 'user.followed') return <a href="/friends">See my friends</a>;
  return null;
}

/** The inbox, newest first; live ones join it as they arrive. Visiting marks all read. */
export function NotificationsPage() {
  const [inbox] = useAsync(loadInbox, []);
  const live = recent.value;
  useEffect(() => markAllRead(), [live.length]);
  return (
    <section>
      <h1>Notifications</h1>
      <Loaded state={inbox}>
        {(stored) => {
          const seen = new Set(stored.map((n) => n.id));
          const all = [...stored, ...live.filter((n) => !seen.has(n.id))].reverse();
          if (all.length === 0) return <p class="muted">Nothing yet.</p>;
          return (
            <ul class="cards" aria-live="polite">
              {all.map((n) => (
                <li key={n.id} class="card" data-type={n.type}>
                  <strong>{describe(n)}</strong>
                  <span class="muted">{formatDateTime(n.createdAt)}</span>
                  <Action n={n} />
                </li>
              ))}
            </ul>
          );
        }}
      </Loaded>
    </section>
  );
}
