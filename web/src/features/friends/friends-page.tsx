import { useState } from 'preact/hooks';
import { api, query } from '../../api/client';
import type { Follow, Match, Page, PublicUser } from '../../api/types';
import { Loaded } from '../../ui/status';
import { useAsync } from '../../ui/use-async';
import { useDebounced } from '../../ui/use-debounced';
import { OpenRooms } from '../rooms/open-rooms';
import { WatchTogether } from '../rooms/watch-together';
import { followsSettled } from '../social/my-lists';
import { PersonRow } from './person-row';

const TYPING_PAUSE_MS = 250;

function People({ users, empty }: { users: PublicUser[]; empty: string }) {
  if (users.length === 0) return <p class="muted">{empty}</p>;
  return (
    <ul class="people">
      {users.map((user) => (
        <PersonRow key={user.id} user={user} />
      ))}
    </ul>
  );
}

function FindPeople() {
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), TYPING_PAUSE_MS);
  const [found] = useAsync(
    (signal) =>
      q.length < 2
        ? Promise.resolve(undefined)
        : api<Page<PublicUser>>(`/api/users${query({ q, limit: 20 })}`, { signal }),
    [q],
  );
  return (
    <section aria-labelledby="find-people">
      <h2 id="find-people">Find people</h2>
      <search>
        <label>
          Name or e-mail
          <input
            type="search"
            value={text}
            onInput={(event) => setText(event.currentTarget.value)}
            placeholder="At least 2 letters of a name, or an exact e-mail"
          />
        </label>
      </search>
      <Loaded state={found}>
        {(page) =>
          page && <People users={page.items} empty={`Nobody's name starts with "${q}".`} />
        }
      </Loaded>
    </section>
  );
}

function Matches() {
  const [matches] = useAsync(
    (signal) => api<Page<Match>>('/api/me/matches?limit=50', { signal }),
    [followsSettled.value],
  );
  return (
    <section aria-labelledby="matches">
      <h2 id="matches">Friends who want this too</h2>
      <Loaded state={matches}>
        {(page) =>
          page.items.length === 0 ? (
            <p class="muted">
              No matches yet: a match is a film you want that a friend (someone you follow who
              follows you) wants too.
            </p>
          ) : (
            <ul class="matches">
              {page.items.map(({ film, friends }) => (
                <li key={film.id} data-testid="match">
                  <a href={`/films/${film.id}`}>{film.title}</a>{' '}
                  <span class="muted">with {friends.map((f) => f.displayName).join(', ')}</span>{' '}
                  <WatchTogether filmId={film.id} friends={friends} filmTitle={film.title} />
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}

function FollowList({ list, title, empty }: { list: string; title: string; empty: string }) {
  const [people] = useAsync(
    (signal) => api<Page<Follow>>(`/api/me/${list}?limit=100`, { signal }),
    [followsSettled.value],
  );
  return (
    <section aria-labelledby={`list-${list}`} data-testid={`list-${list}`}>
      <h2 id={`list-${list}`}>{title}</h2>
      <Loaded state={people}>{(page) => <People users={page.items} empty={empty} />}</Loaded>
    </section>
  );
}

/** Friends: find people, follow them, matches, and the follow lists. */
export function FriendsPage() {
  return (
    <section class="friends-page">
      <h1>Friends</h1>
      <OpenRooms />
      <Matches />
      <FindPeople />
      <div class="follow-lists">
        <FollowList list="friends" title="Friends" empty="No friends yet: follow each other." />
        <FollowList list="following" title="Following" empty="You follow nobody yet." />
        <FollowList list="followers" title="Followers" empty="Nobody follows you yet." />
      </div>
    </section>
  );
}
