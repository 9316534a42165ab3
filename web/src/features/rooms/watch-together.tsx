import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api, messageOf } from '../../api/client';
import type { PublicUser, Room } from '../../api/types';

/** Opens a room for the film with these friends invited, then goes to it. */
export function WatchTogether({
  filmId,
  friends,
  filmTitle,
}: {
  filmId: string;
  friends: PublicUser[];
  filmTitle?: string;
}) {
  const { route } = useLocation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const open = async () => {
    setBusy(true);
    try {
      const room = await api<Room>('/api/rooms', {
        method: 'POST',
        body: { filmId, invite: friends.map((f) => f.id) },
      });
      route(`/rooms/${room.id}`);
    } catch (failure) {
      setError(messageOf(failure));
      setBusy(false);
    }
  };
  return (
    <span class="watch-together">
      <button type="button" disabled={busy} onClick={() => void open()}>
        Watch together
        {filmTitle && <span class="visually-hidden"> {filmTitle}</span>}
      </button>
      {error && (
        <span class="error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
