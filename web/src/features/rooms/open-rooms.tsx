import { api } from '../../api/client';
import type { Page, Room } from '../../api/types';
import { Loaded } from '../../ui/status';
import { useAsync } from '../../ui/use-async';

/** Open rooms the caller may join: their own, invited to, or hosted by a friend. */
export function OpenRooms() {
  const [rooms] = useAsync((signal) => api<Page<Room>>('/api/rooms', { signal }), []);
  return (
    <section aria-labelledby="open-rooms">
      <h2 id="open-rooms">Rooms you can join</h2>
      <Loaded state={rooms}>
        {(page) =>
          page.items.length === 0 ? (
            <p class="muted">No open room right now.</p>
          ) : (
            <ul class="matches">
              {page.items.map((room) => {
                const host = room.members.find((m) => m.userId === room.hostId);
                return (
                  <li key={room.id} data-testid="open-room">
                    <a href={`/rooms/${room.id}`}>
                      Join {room.film.title}
                      {host && ` with ${host.displayName}`}
                    </a>{' '}
                    <span class="muted">{room.members.filter((m) => m.online).length} online</span>
                  </li>
                );
              })}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}
