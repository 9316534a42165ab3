import { api } from '../../api/client';
import type { Page, PublicUser } from '../../api/types';
import { session } from '../../session/session';
import { Loaded } from '../../ui/status';
import { useAsync } from '../../ui/use-async';
import { WatchTogether } from '../rooms/watch-together';
import { wanted } from '../social/my-lists';

/** On a film's page: the caller's friends who want it, and a room to watch it with them. */
export function FriendsWhoWant({ filmId }: { filmId: string }) {
  const [friends] = useAsync(
    (signal) =>
      session.signedIn.value
        ? api<Page<PublicUser>>(`/api/films/${filmId}/friends?limit=50`, { signal })
        : Promise.resolve(undefined),
    [filmId, session.signedIn.value, wanted.value.has(filmId)],
  );
  if (!session.signedIn.value) return null;
  return (
    <section aria-labelledby="friends-who-want" data-testid="friends-who-want">
      <h2 id="friends-who-want">Friends who want it</h2>
      <Loaded state={friends}>
        {(page) =>
          page && page.items.length > 0 ? (
            <>
              <p>{page.items.map((f) => f.displayName).join(', ')}</p>
              <WatchTogether filmId={filmId} friends={page.items} />
            </>
          ) : (
            <>
              <p class="muted">None of your friends wants it yet.</p>
              <WatchTogether filmId={filmId} friends={[]} />
            </>
          )
        }
      </Loaded>
    </section>
  );
}
