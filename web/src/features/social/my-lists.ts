import { effect, signal } from '@preact/signals';
import { api } from '../../api/client';
import type { Page } from '../../api/types';
import { session } from '../../session/session';

// The signed-in user's wishlist, likes and follows as id sets, so every film card and person
// row can show "wanted", "liked", "following" without asking the server per row. Loaded once
// per sign-in; every toggle updates the set at once and rolls back if the server refuses.

export type FilmList = 'wishlist' | 'likes';

/** Film ids the user wants to watch. */
export const wanted = signal<ReadonlySet<string>>(new Set());
/** Film ids the user likes. */
export const liked = signal<ReadonlySet<string>>(new Set());
/** User ids the user follows. */
export const following = signal<ReadonlySet<string>>(new Set());
/**
 * Bumped once the server has taken a follow or unfollow: lists read from the server reload on
 * it, not on {@link following} (set before the server answers), so their read carries the
 * write's position and shows it.
 */
export const followsSettled = signal(0);

const MAX_PAGES = 10;

async function allIds<T>(path: string, idOf: (item: T) => string): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const suffix: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const result: Page<T> = await api<Page<T>>(`${path}?limit=100${suffix}`);
    for (const item of result.items) ids.add(idOf(item));
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  return ids;
}

effect(() => {
  if (!session.user.value) {
    wanted.value = new Set();
    liked.value = new Set();
    following.value = new Set();
    return;
  }
  const byFilm = (item: { film: { id: string } }) => item.film.id;
  void allIds('/api/me/wishlist', byFilm).then((ids) => (wanted.value = ids), ignore);
  void allIds('/api/me/likes', byFilm).then((ids) => (liked.value = ids), ignore);
  void allIds('/api/me/following', (u: { id: string }) => u.id).then(
    (ids) => (following.value = ids),
    ignore,
  );
});

function ignore() {
  // A failed load leaves the sets empty: the buttons still work, they just start unpressed.
}

function toggled(set: ReadonlySet<string>, id: string, on: boolean): Set<string> {
  const next = new Set(set);
  if (on) next.add(id);
  else next.delete(id);
  return next;
}

async function setMembership(
  target: typeof wanted,
  id: string,
  on: boolean,
  path: string,
): Promise<void> {
  const before = target.value;
  target.value = toggled(before, id, on);
  try {
    await api(path, { method: on ? 'PUT' : 'DELETE' });
  } catch (error) {
    target.value = before;
    throw error;
  }
}

/** Adds or removes a film from the wishlist or likes. */
export function setListed(list: FilmList, filmId: string, on: boolean): Promise<void> {
  const target = list === 'wishlist' ? wanted : liked;
  return setMembership(target, filmId, on, `/api/me/${list}/${filmId}`);
}

/** Follows or unfollows a user. */
export async function setFollowing(userId: string, on: boolean): Promise<void> {
  await setMembership(following, userId, on, `/api/users/${userId}/follow`);
  followsSettled.value++;
}
