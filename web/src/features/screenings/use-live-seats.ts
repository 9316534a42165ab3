import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { SeatMap } from '../../api/types';
import { onNotification } from '../notifications/live';

const POLL_MS = 2_000;

/**
 * The seat map, kept current. The API pushes nothing to viewers who hold no booking, so the map
 * is polled while the page is visible (and refreshed at once on the user's own notifications).
 */
export function useLiveSeats(screeningId: string): {
  map: SeatMap | undefined;
  error: string | undefined;
  refresh: () => void;
} {
  const [map, setMap] = useState<SeatMap>();
  const [error, setError] = useState<string>();
  const [round, setRound] = useState(0);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      clearTimeout(timer);
      if (!document.hidden) {
        await api<SeatMap>(`/api/screenings/${screeningId}/seats`).then(
          (next) => {
            if (!stopped) {
              setMap(next);
              setError(undefined);
            }
          },
          (failure: Error) => !stopped && setError(failure.message),
        );
      }
      if (!stopped) timer = setTimeout(tick, POLL_MS);
    };
    void tick();
    const unsubscribe = onNotification((n) => {
      if (n.data.screeningId === screeningId) void tick();
    });
    const onVisible = () => !document.hidden && void tick();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      stopped = true;
      clearTimeout(timer);
      unsubscribe();
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [screeningId, round]);
  return { map, error, refresh: () => setRound((r) => r + 1) };
}
