import { useEffect, useMemo, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api, messageOf } from '../../api/client';
import type { Film, Room } from '../../api/types';
import { session } from '../../session/session';
import { ErrorMessage, Loaded } from '../../ui/status';
import { useAsync } from '../../ui/use-async';
import { ChatPanel } from './chat-panel';
import { InvitePanel, MembersPanel } from './members-panel';
import { Player } from './player';
import { RoomConnection } from './room-connection';

const DEFAULT_QUALITIES = ['360p', '720p'];

/** Joins the room if the caller is not a member yet (an invitee, or a friend of the host). */
async function enter(roomId: string, signal: AbortSignal): Promise<{ room: Room; film?: Film }> {
  let room = await api<Room>(`/api/rooms/${roomId}`, { signal });
  const me = session.user.value?.id;
  if (room.status === 'open' && !room.members.some((m) => m.userId === me)) {
    room = await api<Room>(`/api/rooms/${roomId}/join`, { method: 'POST', signal });
  }
  const film = await api<Film>(`/api/films/${room.filmId}`, { signal }).catch(() => undefined);
  return film ? { room, film } : { room };
}

function HostControls({ room, onRoom }: { room: Room; onRoom: (room: Room) => void }) {
  const { route } = useLocation();
  const [error, setError] = useState<string>();
  const post = async (action: 'lock' | 'unlock' | 'close') => {
    try {
      onRoom(await api<Room>(`/api/rooms/${room.id}/${action}`, { method: 'POST' }));
      setError(undefined);
      if (action === 'close') route(`/films/${room.filmId}`);
    } catch (failure) {
      setError(messageOf(failure));
    }
  };
  return (
    <section aria-labelledby="host-heading" class="host-controls">
      <h2 id="host-heading">You host this room</h2>
      <label class="inline">
        <input
          type="checkbox"
          checked={room.locked}
          onChange={(event) => void post(event.currentTarget.checked ? 'lock' : 'unlock')}
        />
        Only I control playback
      </label>
      <button type="button" class="secondary" onClick={() => void post('close')}>
        Close the room
      </button>
      {error && <ErrorMessage message={error} />}
      <InvitePanel room={room} onRoom={onRoom} />
    </section>
  );
}

function Watching({ initial, film }: { initial: Room; film?: Film }) {
  const roomId = initial.id;
  const token = session.token.value ?? '';
  const connection = useMemo(() => new RoomConnection(roomId, token, initial), [roomId, token]);
  useEffect(() => () => connection.close(), [connection]);
  const room = connection.room.value;
  const me = session.user.value?.id;
  if (!room) {
    return (
      <p class="muted" role="status">
        Connecting to the room…
      </p>
    );
  }
  const host = room.hostId === me;
  const qualities = film?.media?.qualities.length ? film.media.qualities : DEFAULT_QUALITIES;
  const onRoom = (next: Room) => {
    connection.room.value = next;
    connection.members.value = next.members;
  };
  return (
    <div class="room">
      <div class="room-main">
        <h1>{room.film.title}</h1>
        {connection.closed.value && <p role="alert">This room is closed.</p>}
        {!connection.connected.value && !connection.closed.value && (
          <p class="muted" role="status">
            Reconnecting…
          </p>
        )}
        {connection.lastError.value && (
          <ErrorMessage message={connection.lastError.value.message} />
        )}
        <Player
          connection={connection}
          filmId={room.filmId}
          title={room.film.title}
          qualities={qualities}
          canControl={host || !room.locked}
        />
        <MembersPanel members={connection.members.value} />
        {host && room.status === 'open' && <HostControls room={room} onRoom={onRoom} />}
      </div>
      <ChatPanel connection={connection} roomId={roomId} />
    </div>
  );
}

/** A watch-together room: the synced player, who is in it, and the chat on the right. */
export function RoomPage({ id }: { id: string }) {
  const [entered] = useAsync((signal) => enter(id, signal), [id]);
  return (
    <section class="room-page">
      <Loaded state={entered}>
        {({ room, film }) => <Watching initial={room} {...(film ? { film } : {})} />}
      </Loaded>
    </section>
  );
}
